package io.chorus.common.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * One entry of the group log as history-service serves it to gateways (internal log API) and
 * publishes membership entries on the bus. Every entry has a position ({@code id}) from the one
 * sequence of the group log, so joins and leaves fall at one point among the messages for every
 * reader. {@code sender} is the member who posted, joined or left; {@code text} is empty for
 * membership entries.
 */
public record GroupLogEntry(long id, String kind, String group, String sender, String text, Instant sentAt) {

    public static final String MESSAGE = "message";
    public static final String JOINED = "member-joined";
    public static final String LEFT = "member-left";

    @JsonIgnore
    public boolean isMembership() {
        return JOINED.equals(kind) || LEFT.equals(kind);
    }

    public GroupMessage message() {
        return new GroupMessage(id, group, sender, text, sentAt);
    }

    public MembershipEvent membershipEvent() {
        return new MembershipEvent(group, sender, sentAt);
    }
}
