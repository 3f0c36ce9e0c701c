package io.chorus.dm.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chorus.common.message.DirectMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * One of a user's conversations as the API lists it: the other party, where it stands, how many
 * of the peer's DMs came after the user's read marker ({@code unread}; tombstones not counted),
 * and the marker ({@code lastRead}, null before the user marks any).
 */
@RegisterForReflection
public record Conversation(String peer, DirectMessage lastMessage, Instant lastAt, long unread,
                           @JsonInclude(JsonInclude.Include.ALWAYS) Long lastRead) {

    public Conversation(String peer, DirectMessage lastMessage, long unread, Long lastRead) {
        this(peer, lastMessage, lastMessage.sentAt(), unread, lastRead);
    }
}
