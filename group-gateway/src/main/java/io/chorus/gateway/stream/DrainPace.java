package io.chorus.gateway.stream;

import java.time.Duration;

/**
 * How fast a stopping gateway ends its streams: at most {@code perSecond} a second, so that their
 * clients do not all reconnect (to the other replicas, or to this one once it is back) in one
 * instant; but faster if that is what it takes to end them all within {@code within}, the part of
 * the shutdown budget set aside for it (a stream left open would only be cut when the process exits).
 */
public record DrainPace(int streams, int perSecond, Duration within) {

    public DrainPace {
        if (streams < 0 || perSecond < 1 || within.isNegative()) {
            throw new IllegalArgumentException("a drain needs a rate of at least one stream a second and a budget");
        }
    }

    private static final long SECOND = 1_000_000_000L;

    /** Whether the budget, not the rate, sets the pace (the rate would take longer than the budget). */
    private boolean budgetBound() {
        return (long) streams * SECOND > (long) perSecond * within.toNanos();
    }

    /** How many streams should have been ended this long after the drain began (whole numbers: no rounding drift). */
    public int dueBy(Duration elapsed) {
        long nanos = Math.max(0, elapsed.toNanos());
        if (nanos >= within.toNanos()) {
            return streams;
        }
        long due = budgetBound()
                ? ceilDiv((long) streams * nanos, within.toNanos())
                : ceilDiv(perSecond * nanos, SECOND);
        return (int) Math.min(streams, due);
    }

    /** How long the whole drain takes at this pace. */
    public Duration duration() {
        return budgetBound() ? within : Duration.ofNanos(ceilDiv((long) streams * SECOND, perSecond));
    }

    private static long ceilDiv(long dividend, long divisor) {
        return Math.ceilDiv(dividend, divisor);
    }
}
