package io.chorus.e2e;

import java.util.Arrays;

/** Latency samples in nanoseconds, safe to add from many threads; percentiles by nearest rank. */
final class Latencies {

    private long[] samples;
    private int count;
    private boolean sorted;

    Latencies(int expected) {
        samples = new long[Math.max(16, expected)];
    }

    synchronized void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
        sorted = false;
    }

    synchronized void addAll(long[] nanos, int length) {
        for (int i = 0; i < length; i++) {
            add(nanos[i]);
        }
    }

    synchronized int count() {
        return count;
    }

    /** The p-th percentile (0 < p <= 100) in milliseconds, or NaN without samples. */
    synchronized double millis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        if (!sorted) {
            Arrays.sort(samples, 0, count);
            sorted = true;
        }
        int rank = (int) Math.ceil(p / 100.0 * count);
        return samples[Math.min(count, Math.max(1, rank)) - 1] / 1e6;
    }
}
