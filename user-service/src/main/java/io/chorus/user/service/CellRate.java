package io.chorus.user.service;

import io.chorus.common.limits.WritePermit;

/**
 * The generic cell rate algorithm's two numbers for a budget of {@code perSecond} writes a second
 * with bursts of {@code burst}: each write pushes the user's theoretical arrival time (TAT) one
 * emission interval further, from now if it lies in the past; a write is granted while the TAT
 * it would leave is at most the burst tolerance ahead of now. So an idle user may spend exactly
 * {@code burst} writes at once, then one every interval. In microseconds, the unit the table
 * keeps (see repository.WriteBudgetRepository, where the same rule runs as one SQL statement).
 */
public record CellRate(long intervalMicros, long toleranceMicros) {

    public static CellRate of(int perSecond, int burst) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("a write budget needs at least 1 write a second and a burst of at least 1");
        }
        long interval = Math.max(1, 1_000_000L / perSecond);
        return new CellRate(interval, interval * burst);
    }

    /** Whether a write arriving at {@code now} is granted while the user's TAT is {@code tat}. */
    public boolean grants(long tat, long now) {
        return Math.max(tat, now) + intervalMicros - now <= toleranceMicros;
    }

    /** The TAT a granted write leaves. */
    public long next(long tat, long now) {
        return Math.max(tat, now) + intervalMicros;
    }

    /** The answer for a refused write: the whole seconds until {@link #grants} holds again, at least 1 (Retry-After). */
    public WritePermit refusal(long tat, long now) {
        long waitMicros = Math.max(tat, now) + intervalMicros - toleranceMicros - now;
        return WritePermit.refused((waitMicros + 999_999) / 1_000_000);
    }
}
