package io.chorus.cli;

import java.time.Duration;
import java.util.Optional;

/**
 * Turns the lines of a text/event-stream into events, following the WHATWG HTML "server-sent
 * events" interpretation rules: a blank line dispatches, the last id carries over to later
 * events, data lines join with "\n", {@code retry:} sets the reconnection time, comments and
 * unknown fields are ignored. Lines come in
 * already split (BufferedReader accepts CR, LF and CRLF, as the format allows).
 *
 * <p>The one SSE parser of the project: the CLI, the end-to-end tests' client and the
 * benchmark's subscribers all read streams with it (e2e-tests has the CLI's jar on its classpath).
 */
public final class SseParser {

    public record Event(String id, String type, String data) {

        /**
         * An id with no data: the gateway opens every stream with one, its position at connect
         * time, so a connection dropped before any message still resumes from there.
         */
        public boolean isCursorOnly() {
            return data == null;
        }
    }

    private String lastId;
    private String type;
    private StringBuilder data;
    private boolean sawComment;
    private boolean sawId;
    private boolean dispatchedWithId;
    private long retryMillis = -1;

    /** Feeds one line; returns the event it completes, if any. */
    public Optional<Event> line(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            sawComment = true;
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            // An id with NUL is ignored by the spec, so a hostile server cannot plant one in a header.
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastId = value;
                    sawId = true;
                }
            }
            // The server's reconnection time, in milliseconds; only ASCII digits count, as the spec says.
            case "retry" -> {
                if (!value.isEmpty() && value.length() <= 18 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    retryMillis = Long.parseLong(value);
                }
            }
            default -> {
                // Unknown fields are ignored.
            }
        }
        return Optional.empty();
    }

    /**
     * The reconnection time the server last set with {@code retry:}, if it set one: how long to
     * wait before reconnecting once this stream ends (Chorus' gateway draws it per stream from a
     * window, so clients cut off together come back spread out).
     */
    public Optional<Duration> retry() {
        return retryMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retryMillis));
    }

    /** True once a comment (the server's heartbeat) has been seen, and resets the flag. */
    public boolean takeComment() {
        boolean seen = sawComment;
        sawComment = false;
        return seen;
    }

    /**
     * Whether the event just dispatched had an {@code id:} line of its own. Chorus' ephemeral
     * events (typing, presence) have none: they carry the last id over, but are no position.
     */
    public boolean lastHadOwnId() {
        return dispatchedWithId;
    }

    /** The id the next Last-Event-ID header would carry, as the spec's "last event ID buffer". */
    public String lastId() {
        return lastId;
    }

    private Optional<Event> dispatch() {
        StringBuilder completed = data;
        String name = type;
        boolean idOnly = sawId && completed == null;
        dispatchedWithId = sawId;
        data = null;
        type = null;
        sawId = false;
        if (completed == null) {
            return idOnly ? Optional.of(new Event(lastId, null, null)) : Optional.empty();
        }
        return Optional.of(new Event(lastId, name == null || name.isEmpty() ? "message" : name, completed.toString()));
    }
}
