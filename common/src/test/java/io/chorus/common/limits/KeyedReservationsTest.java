package io.chorus.common.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyedReservationsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final KeyedReservations limit = new KeyedReservations(3, Duration.ofMinutes(5), 100, now::get);

    @Test
    void reservedAndSpentPlacesTogetherNeverExceedTheLimit() {
        List<KeyedReservations.Reservation> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(limit.reserve("k").orElseThrow());
        }
        assertTrue(limit.reserve("k").isEmpty(), "three in flight fill it, before any counted");
        assertEquals(1, limit.retryAfterSeconds("k"), "places in flight come back soon");
        assertTrue(limit.reserve("other").isPresent(), "keys are apart");
        held.get(0).release();
        assertTrue(limit.reserve("k").isPresent(), "a released place is free again");
    }

    @Test
    void spentPlacesLastTheirWindowFromTheFirstSpent() {
        for (int i = 0; i < 3; i++) {
            KeyedReservations.Reservation place = limit.reserve("k").orElseThrow();
            place.spend();
            place.release();
            place.spend();
        }
        assertTrue(limit.reserve("k").isEmpty());
        assertEquals(300, limit.retryAfterSeconds("k"));
        now.addAndGet(Duration.ofSeconds(299).toNanos());
        assertTrue(limit.reserve("k").isEmpty(), "still within the window");
        assertEquals(1, limit.retryAfterSeconds("k"));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(limit.reserve("k").isPresent(), "a new window");
    }
}
