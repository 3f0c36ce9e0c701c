package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** What a chat is about: one peer or one group. Names compare ignoring case, as the services do. */
record Conversation(Kind kind, String name) {

    enum Kind { DIRECT, GROUP }

    /** Parses the answer to "direct or group?". */
    static Kind kind(String answer) {
        String a = answer == null ? "" : answer.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (a) {
            case "d", "dm", "direct" -> Kind.DIRECT;
            case "g", "group" -> Kind.GROUP;
            default -> null;
        };
    }

    /**
     * Whether an event from /api/events belongs on this chat's screen. The stream carries every
     * group of the user and all their DMs; own messages are already left out by the server, and
     * are dropped here too in case a second session of the same user asked for them.
     */
    boolean shows(String eventType, JsonNode message, String me) {
        String sender = MessageFormat.sender(message);
        if (sender.equalsIgnoreCase(me)) {
            return false;
        }
        return switch (kind) {
            case GROUP -> "group-message".equals(eventType) && name.equalsIgnoreCase(message.path("group").asText());
            case DIRECT -> "direct-message".equals(eventType) && name.equalsIgnoreCase(sender);
        };
    }

    JsonNode send(ChorusApi api, String text) {
        return kind == Kind.GROUP ? api.post(name, text) : api.sendDirect(name, text);
    }
}
