package io.chorus.gateway.stream;

/** What a stream writes next: an event (id, name, data) or a heartbeat comment. */
public record StreamItem(String id, String event, String data) {

    public static final StreamItem HEARTBEAT = new StreamItem(null, null, null);

    public boolean isHeartbeat() {
        return this == HEARTBEAT;
    }
}
