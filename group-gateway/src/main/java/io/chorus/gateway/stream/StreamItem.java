package io.chorus.gateway.stream;

/**
 * What a stream writes next: an event (id, name, data), a heartbeat comment, or the opening
 * cursor: an id with no data, which EventSource takes as its Last-Event-ID without firing an
 * event. Sent first on every stream, it lets a client that drops before any message arrives
 * still resume from the moment it connected.
 */
public record StreamItem(String id, String event, String data) {

    public static final StreamItem HEARTBEAT = new StreamItem(null, null, null);

    public static StreamItem cursor(String id) {
        return new StreamItem(id, null, null);
    }

    public boolean isHeartbeat() {
        return this == HEARTBEAT;
    }

    public boolean isCursor() {
        return id != null && data == null;
    }
}
