package io.chorus.gateway.stream;

import io.chorus.common.message.DirectMessage;
import io.chorus.common.message.DmLogEntry;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.naming.NameRule;

/**
 * One log entry on its way to subscribers: a message, or a join, leave, edit or delete of the
 * group log.
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

    /**
     * An edit or delete: {@code json} is the message as it now is (its tombstone after a delete);
     * {@code senderKey} is who made the change, for own-event filtering.
     */
    public static LiveEvent change(GroupLogEntry entry, String json) {
        return new LiveEvent(Log.GROUP, entry.kind(), entry.id(), NameRule.key(entry.group()),
                NameRule.key(entry.doneBy()), null, json);
    }

    /** An edit or delete of a DM: {@code json} is the DM as it now is; only its sender changes it. */
    public static LiveEvent change(DmLogEntry entry, String json) {
        return new LiveEvent(Log.DM, entry.kind(), entry.id(), null, NameRule.key(entry.from()),
                NameRule.key(entry.to()), json);
    }

    public boolean isJoin() {
        return GroupLogEntry.JOINED.equals(type);
    }

    public boolean isLeave() {
        return GroupLogEntry.LEFT.equals(type);
    }
}
