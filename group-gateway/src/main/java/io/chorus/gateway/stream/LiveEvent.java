package io.chorus.gateway.stream;

import io.chorus.common.message.DirectMessage;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.naming.NameRule;

/**
 * One log entry on its way to subscribers: a message, or a join or leave of the group log.
 * {@code type} is its SSE event name; {@code json} is its data exactly as streams show it,
 * serialised once and shared by every subscriber's stream. For a join or leave, {@code senderKey}
 * is the member's key (own-event filtering treats it like a message's sender).
 */
public record LiveEvent(Log log, String type, long position, String groupKey, String senderKey, String recipientKey,
                        String json) {

    public enum Log { GROUP, DM }

    public static LiveEvent of(GroupMessage message, String json) {
        return new LiveEvent(Log.GROUP, "group-message", message.id(), NameRule.key(message.group()),
                NameRule.key(message.sender()), null, json);
    }

    public static LiveEvent of(DirectMessage message, String json) {
        return new LiveEvent(Log.DM, "direct-message", message.id(), null, NameRule.key(message.from()),
                NameRule.key(message.to()), json);
    }

    /** A join or leave; {@code json} is its {@link io.chorus.common.message.MembershipEvent}. */
    public static LiveEvent membership(GroupLogEntry entry, String json) {
        return new LiveEvent(Log.GROUP, entry.kind(), entry.id(), NameRule.key(entry.group()),
                NameRule.key(entry.sender()), null, json);
    }

    public boolean isJoin() {
        return GroupLogEntry.JOINED.equals(type);
    }

    public boolean isLeave() {
        return GroupLogEntry.LEFT.equals(type);
    }
}
