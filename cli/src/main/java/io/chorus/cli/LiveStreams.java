package io.chorus.cli;

import java.time.Duration;

/** Opens the gateway's live streams as resumable EventStreams. */
final class LiveStreams {

    // Three missed heartbeats (the gateway sends one every 15 s) mean the connection is dead.
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(45);

    private final ChorusApi api;

    LiveStreams(ChorusApi api) {
        this.api = api;
    }

    /** Everything for the caller: /api/events. */
    EventStream everything(boolean self, ResumeCursor cursor, EventStream.Listener listener) {
        return open("/api/events" + (self ? "?self=true" : ""), cursor, listener);
    }

    EventStream group(String group, boolean self, ResumeCursor cursor, EventStream.Listener listener) {
        return open("/api/groups/" + ChorusApi.segment(group) + "/events" + (self ? "?self=true" : ""), cursor, listener);
    }

    private EventStream open(String path, ResumeCursor cursor, EventStream.Listener listener) {
        return new EventStream(lastEventId -> api.openStream(path, lastEventId), cursor, listener, IDLE_TIMEOUT);
    }
}
