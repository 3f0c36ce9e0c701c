package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** How messages look in a terminal. Anything others wrote goes through {@link #safe} first. */
final class MessageFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final ZoneId zone;

    MessageFormat(ZoneId zone) {
        this.zone = zone;
    }

    /** The sender of a group message or a DM. */
    static String sender(JsonNode message) {
        return message.hasNonNull("sender") ? message.path("sender").asText() : message.path("from").asText();
    }

    /** A message's text as it now is: {@code (deleted)} for a tombstone, {@code (edited)} after an edited one. */
    static String text(JsonNode message) {
        if (message.path("deleted").asBoolean(false)) {
            return "(deleted)";
        }
        return safe(message.path("text").asText()) + (message.hasNonNull("editedAt") ? " (edited)" : "");
    }

    /** In a chat the conversation is known, so only who said what: {@code [alice] tea at five?}. */
    String chat(JsonNode message) {
        return "[" + safe(sender(message)) + "] " + text(message);
    }

    /**
     * Any event a chat shows: a message as {@link #chat}; a change naming the message it changed,
     * {@code [alice] #42 tea at six? (edited)} or {@code [alice] #42 (deleted)}; and what others
     * do, {@code * bob joined}, {@code * bob is typing…}.
     */
    String chat(String type, JsonNode event) {
        return switch (type) {
            case "message-edited", "message-deleted" -> "[" + safe(sender(event)) + "] #" + event.path("id").asText() + " "
                    + text(event);
            case "member-joined" -> "* " + safe(event.path("member").asText()) + " joined";
            case "member-left" -> "* " + safe(event.path("member").asText()) + " left";
            case "typing" -> "* " + safe(event.path("user").asText()) + " is typing…";
            default -> chat(event);
        };
    }

    /**
     * On a stream that mixes conversations: {@code [garden] alice: tea}, {@code [dm] alice: cake},
     * {@code [garden] bob joined}.
     */
    String event(String type, JsonNode message) {
        if ("presence".equals(type)) {
            return "[presence] " + safe(message.path("user").asText()) + (message.path("online").asBoolean() ? " is online" : " is offline");
        }
        if ("typing".equals(type)) {
            String where = message.hasNonNull("group") ? message.path("group").asText() : "dm";
            return "[" + safe(where) + "] " + safe(message.path("user").asText()) + " is typing…";
        }
        if ("member-joined".equals(type) || "member-left".equals(type)) {
            return "[" + safe(message.path("group").asText()) + "] " + safe(message.path("member").asText())
                    + ("member-joined".equals(type) ? " joined" : " left");
        }
        String where = message.hasNonNull("group") ? message.path("group").asText() : message.hasNonNull("from") ? "dm" : type;
        if ("message-edited".equals(type) || "message-deleted".equals(type)) {
            // The data is the changed message as it now is: name it by id, as history does.
            return "[" + safe(where) + "] #" + message.path("id").asText() + " " + safe(sender(message)) + ": " + text(message);
        }
        return "[" + safe(where) + "] " + safe(sender(message)) + ": " + text(message);
    }

    /** A history line: {@code #42 2026-11-25 10:00 alice: tea at five?}. */
    String history(JsonNode message) {
        return "#" + message.path("id").asText() + " " + time(message.path("sentAt").asText()) + " "
                + safe(sender(message)) + ": " + text(message);
    }

    private String time(String sentAt) {
        try {
            return TIME.format(Instant.parse(sentAt).atZone(zone));
        } catch (DateTimeParseException e) {
            return sentAt;
        }
    }

    /**
     * Replaces control characters but newline and tab: a message is someone else's text, and an
     * escape sequence in it could otherwise rewrite the reader's terminal (title, colours, cursor).
     */
    static String safe(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0);
            if (control) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
