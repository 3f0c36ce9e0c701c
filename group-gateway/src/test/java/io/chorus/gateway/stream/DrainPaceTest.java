package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrainPaceTest {

    @Test
    void endsNoMoreThanTheRateASecond() {
        DrainPace pace = new DrainPace(10_000, 4000, Duration.ofSeconds(5));
        assertEquals(0, pace.dueBy(Duration.ZERO));
        assertEquals(200, pace.dueBy(Duration.ofMillis(50)));
        assertEquals(4000, pace.dueBy(Duration.ofSeconds(1)));
        assertEquals(8000, pace.dueBy(Duration.ofSeconds(2)));
        assertEquals(10_000, pace.dueBy(Duration.ofMillis(2500)));
        assertEquals(10_000, pace.dueBy(Duration.ofSeconds(3)), "never more than there are");
        assertEquals(Duration.ofMillis(2500), pace.duration());
    }

    @Test
    void goesFasterWhenTheRateWouldOutlastTheBudget() {
        DrainPace pace = new DrainPace(40_000, 4000, Duration.ofSeconds(5));
        assertEquals(8000, pace.dueBy(Duration.ofSeconds(1)));
        assertEquals(39_992, pace.dueBy(Duration.ofMillis(4999)), "8,000 a second, evenly");
        assertEquals(40_000, pace.dueBy(Duration.ofSeconds(5)), "all of them by the end of the budget");
        assertEquals(Duration.ofSeconds(5), pace.duration());
    }

    @Test
    void aFewStreamsGoAtOnce() {
        DrainPace pace = new DrainPace(3, 4000, Duration.ofSeconds(5));
        assertEquals(3, pace.dueBy(Duration.ofMillis(1)));
        assertEquals(0, new DrainPace(0, 4000, Duration.ofSeconds(5)).dueBy(Duration.ofSeconds(1)));
        assertEquals(Duration.ZERO, new DrainPace(0, 4000, Duration.ofSeconds(5)).duration());
    }

    @Test
    void noBudgetEndsEverythingAtOnce() {
        assertEquals(500, new DrainPace(500, 10, Duration.ZERO).dueBy(Duration.ZERO));
    }

    @Test
    void refusesARateBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new DrainPace(10, 0, Duration.ofSeconds(5)));
    }
}
