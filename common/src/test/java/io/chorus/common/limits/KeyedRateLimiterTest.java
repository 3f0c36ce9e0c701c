package io.chorus.common.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final KeyedRateLimiter limiter = new KeyedRateLimiter("posts", 100, Duration.ofSeconds(5), 1000, now::get);

    @Test
    void allowsABurstThenRefusesUntilThePeriodEnds() {
        for (int i = 0; i < 100; i++) {
            assertTrue(limiter.tryAcquire("ann"), "post " + i + " of the burst");
        }
        assertFalse(limiter.tryAcquire("ann"));
        assertTrue(limiter.isExhausted("ann"));
        assertEquals(5, limiter.retryAfterSeconds("ann"));

        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertFalse(limiter.tryAcquire("ann"), "still within the period");
        assertEquals(2, limiter.retryAfterSeconds("ann"));

        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertTrue(limiter.tryAcquire("ann"), "a new period, a new allowance");
        assertFalse(limiter.isExhausted("ann"));
    }

    @Test
    void keysAreIndependent() {
        for (int i = 0; i < 100; i++) {
            limiter.tryAcquire("ann");
        }
        assertFalse(limiter.tryAcquire("ann"));
        assertTrue(limiter.tryAcquire("bob"));
        assertFalse(limiter.isExhausted("bob"));
        assertFalse(limiter.isExhausted("nobody"), "a key never seen has its whole allowance");
    }

    @Test
    void sustainedRateIsThePermitsPerPeriod() {
        int granted = 0;
        // One attempt every 10 ms for a minute: 100 posts per 5 s is 20 per second on average.
        for (int tick = 0; tick < 6000; tick++) {
            if (limiter.tryAcquire("ann")) {
                granted++;
            }
            now.addAndGet(Duration.ofMillis(10).toNanos());
        }
        assertEquals(1200, granted);
    }

    @Test
    void theKeySpaceIsBoundedAndUnusedKeysExpire() {
        for (int user = 0; user < 5000; user++) {
            limiter.tryAcquire("user-" + user);
        }
        assertTrue(limiter.trackedKeys() <= 1000, "tracked " + limiter.trackedKeys());
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertEquals(0, limiter.trackedKeys(), "a key unused for a whole period is forgotten");
    }
}
