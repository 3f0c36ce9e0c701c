package io.chorus.dm.service;

import io.chorus.common.message.DirectMessage;
import java.time.Instant;

/** One of a user's conversations as the API lists it: the other party and where it stands. */
public record Conversation(String peer, DirectMessage lastMessage, Instant lastAt) {

    public Conversation(String peer, DirectMessage lastMessage) {
        this(peer, lastMessage, lastMessage.sentAt());
    }
}
