package io.chorus.gateway.stream;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The reconnection time a stream tells its client (the SSE {@code retry:} field, in milliseconds,
 * which EventSource and Chorus' clients wait before reconnecting): the base and a random share of
 * the jitter, drawn per stream. Streams that end together (a gateway stopping or crashing) then
 * come back spread over the window instead of all in the same instant.
 */
public final class RetryWindow {

    /** Sends no {@code retry:}: clients keep their own delay (tests of a stream's other bytes). */
    public static final RetryWindow NONE = new RetryWindow(0, 0, () -> 0L, false);

    private final long baseMillis;
    private final long jitterMillis;
    private final RandomGenerator random;
    private final boolean sent;

    /** Drawing from {@link ThreadLocalRandom} on whichever thread opens or ends the stream. */
    public RetryWindow(Duration base, Duration jitter) {
        this(base, jitter, () -> ThreadLocalRandom.current().nextLong());
    }

    public RetryWindow(Duration base, Duration jitter, RandomGenerator random) {
        this(base.toMillis(), jitter.toMillis(), random, true);
        if (base.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("the retry base and jitter must not be negative");
        }
    }

    private RetryWindow(long baseMillis, long jitterMillis, RandomGenerator random, boolean sent) {
        this.baseMillis = baseMillis;
        this.jitterMillis = jitterMillis;
        this.random = random;
        this.sent = sent;
    }

    /** A reconnection time in [base, base + jitter]. */
    public long nextMillis() {
        return jitterMillis == 0 ? baseMillis : baseMillis + random.nextLong(jitterMillis + 1);
    }

    /** The longest reconnection time drawn, in whole seconds (a refusal's Retry-After). */
    public long longestSeconds() {
        return Math.max(1, (baseMillis + jitterMillis + 999) / 1000);
    }

    /** The {@code retry:} line of a fresh draw, with its line break; empty for {@link #NONE}. */
    String line() {
        return sent ? "retry: " + nextMillis() + "\n" : "";
    }

    /** A block of a fresh {@code retry:} alone (sent before a stream ends), or null for {@link #NONE}. */
    public Buffer frameOrNull() {
        return sent ? Buffer.buffer(line() + "\n") : null;
    }
}
