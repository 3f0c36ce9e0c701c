package io.chorus.gateway.stream;

import java.time.Duration;

/**
 * What one stream may hold, so a gateway's memory is bounded by the streams it admits: its queue
 * of live events waiting to be written ({@code queueEvents} and {@code queueBytes}, whichever
 * comes first), the events one connection replays before the client must resume
 * ({@code maxReplay}), and how long a connection that takes nothing keeps its place
 * ({@code stallTimeout}: a client that stopped reading would otherwise hold what it was sent,
 * in the socket's buffers, for good).
 */
public record StreamBounds(int queueEvents, long queueBytes, int maxReplay, Duration stallTimeout) {

    public StreamBounds {
        if (queueEvents < 1 || queueBytes < 1 || maxReplay < 1 || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stream bounds must be positive");
        }
    }

    /** A queue of {@code queueEvents}, with the other bounds at their production defaults (tests). */
    public static StreamBounds ofEvents(int queueEvents) {
        return new StreamBounds(queueEvents, 2L << 20, 10_000, Duration.ofSeconds(60));
    }
}
