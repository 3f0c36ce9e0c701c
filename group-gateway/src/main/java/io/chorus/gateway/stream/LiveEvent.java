package io.chorus.gateway.stream;

import io.chorus.common.message.DirectMessage;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.naming.NameRule;

/**
 * One message on its way to subscribers. {@code json} is the message exactly as the API shows it,
 * serialised once (by the service that stored it) and shared by every subscriber's stream.
 */
public record LiveEvent(Log log, long position, String groupKey, String senderKey, String recipientKey, String json) {

    public enum Log {
        GROUP("group-message"), DM("direct-message");

        private final String eventName;

        Log(String eventName) {
            this.eventName = eventName;
        }

        public String eventName() {
            return eventName;
        }
    }

    /** Not a message: a tick that makes each stream write a comment line and proves the client reads. */
    public static final LiveEvent HEARTBEAT = new LiveEvent(null, 0, null, null, null, null);

    public static LiveEvent of(GroupMessage message, String json) {
        return new LiveEvent(Log.GROUP, message.id(), NameRule.key(message.group()), NameRule.key(message.sender()),
                null, json);
    }

    public static LiveEvent of(DirectMessage message, String json) {
        return new LiveEvent(Log.DM, message.id(), null, NameRule.key(message.from()), NameRule.key(message.to()), json);
    }

    public boolean isHeartbeat() {
        return this == HEARTBEAT;
    }
}
