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
     * Whether an event from /api/events belongs on this chat's screen: this group's or this
     * peer's messages, edits, deletes, joins and leaves, and typing. The stream carries every group
     * of the user and all their DMs; own messages are already left out by the server, and are
     * dropped here too in case a second session of the same user asked for them. An edit or delete
     * is shown whoever sent the message: the server leaves out only the caller's own changes, and
     * a group's owner may delete the caller's message.
     */
    boolean shows(String eventType, JsonNode message, String me) {
        return switch (eventType) {
            case "group-message", "direct-message" -> !MessageFormat.sender(message).equalsIgnoreCase(me) && isHere(message, me);
            case "message-edited", "message-deleted" -> isHere(message, me);
            case "member-joined", "member-left" -> kind == Kind.GROUP && name.equalsIgnoreCase(message.path("group").asText());
            case "typing" -> kind == Kind.GROUP ? name.equalsIgnoreCase(message.path("group").asText())
                    : message.has("peer") && name.equalsIgnoreCase(message.path("peer").asText());
            default -> false;
        };
    }

    /** A message (or the message a change shows) of this group, or between me and this peer. */
    private boolean isHere(JsonNode message, String me) {
        return switch (kind) {
            case GROUP -> message.has("group") && name.equalsIgnoreCase(message.path("group").asText());
            case DIRECT -> !message.has("group") && (name.equalsIgnoreCase(message.path("from").asText())
                    && me.equalsIgnoreCase(message.path("to").asText())
                    || me.equalsIgnoreCase(message.path("from").asText()) && name.equalsIgnoreCase(message.path("to").asText()));
        };
    }

    JsonNode send(ChorusApi api, String text) {
        return kind == Kind.GROUP ? api.post(name, text) : api.sendDirect(name, text);
    }
}
