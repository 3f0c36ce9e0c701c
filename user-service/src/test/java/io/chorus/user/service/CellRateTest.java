package io.chorus.user.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CellRateTest {

    private static final long SECOND = 1_000_000;

    /** Takes from an idle budget at one instant until refused; the count granted. */
    private static int burstAt(CellRate rate, long[] tat, long now) {
        int granted = 0;
        while (rate.grants(tat[0], now)) {
            tat[0] = rate.next(tat[0], now);
            granted++;
        }
        return granted;
    }

    @Test
    void anIdleUserMaySpendExactlyTheBurstAtOnceThenOneEveryInterval() {
        CellRate rate = CellRate.of(20, 100);
        assertEquals(50_000, rate.intervalMicros());
        long now = 1_000 * SECOND;
        long[] tat = {0};
        assertEquals(100, burstAt(rate, tat, now));
        assertEquals(0, burstAt(rate, tat, now + 49_999), "no new write before one interval has passed");
        assertEquals(1, burstAt(rate, tat, now + 50_000));
        assertEquals(20, burstAt(rate, tat, now + 50_000 + SECOND), "20 a second sustained");
    }

    @Test
    void aLongPauseRefillsTheBurstButNeverMore() {
        CellRate rate = CellRate.of(20, 100);
        long[] tat = {0};
        assertEquals(100, burstAt(rate, tat, 1_000 * SECOND));
        assertEquals(100, burstAt(rate, tat, 2_000 * SECOND));
    }

    @Test
    void aRefusalSaysTheWholeSecondsUntilTheNextGrantAndAtLeastOne() {
        CellRate fast = CellRate.of(20, 100);
        long[] tat = {0};
        long now = 1_000 * SECOND;
        burstAt(fast, tat, now);
        assertEquals(1, fast.refusal(tat[0], now).retryAfterSeconds(), "50 ms, rounded up to a whole second");
        assertFalse(fast.refusal(tat[0], now).granted());

        CellRate slow = CellRate.of(1, 3);
        long[] slowTat = {0};
        burstAt(slow, slowTat, now);
        assertEquals(1, slow.refusal(slowTat[0], now).retryAfterSeconds());
        assertEquals(1, slow.refusal(slowTat[0], now + SECOND / 2).retryAfterSeconds());
        assertTrue(slow.grants(slowTat[0], now + SECOND));
    }

    @Test
    void refusesABudgetThatCouldNeverGrant() {
        assertThrows(IllegalArgumentException.class, () -> CellRate.of(0, 100));
        assertThrows(IllegalArgumentException.class, () -> CellRate.of(20, 0));
    }
}
