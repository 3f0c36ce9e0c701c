package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.LongSummaryStatistics;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RetryWindowTest {

    private static final Pattern RETRY = Pattern.compile("retry: (\\d+)\n\n");

    @Test
    void drawsEveryReconnectionTimeWithinTheBaseAndTheJitter() {
        RetryWindow window = new RetryWindow(Duration.ofSeconds(1), Duration.ofSeconds(2), new SplittableRandom(7));
        LongSummaryStatistics drawn = new LongSummaryStatistics();
        for (int i = 0; i < 10_000; i++) {
            drawn.accept(window.nextMillis());
        }
        assertTrue(drawn.getMin() >= 1000 && drawn.getMax() <= 3000, drawn.toString());
    }

    @Test
    void spreadsTheStreamsOverTheWholeWindow() {
        RetryWindow window = new RetryWindow(Duration.ofSeconds(1), Duration.ofSeconds(2), new SplittableRandom(11));
        int[] perQuarterSecond = new int[8];
        Set<Long> distinct = new HashSet<>();
        for (int i = 0; i < 8_000; i++) {
            long millis = window.nextMillis();
            distinct.add(millis);
            perQuarterSecond[(int) Math.min(7, (millis - 1000) / 250)]++;
        }
        // Streams cut off together come back spread: every quarter second of the window gets its share.
        for (int count : perQuarterSecond) {
            assertTrue(count > 700 && count < 1300, java.util.Arrays.toString(perQuarterSecond));
        }
        assertTrue(distinct.size() > 1500, "streams get different times, not a few shared ones: " + distinct.size());
    }

    @Test
    void withoutJitterEveryStreamGetsTheBase() {
        RetryWindow window = new RetryWindow(Duration.ofMillis(1500), Duration.ZERO, new SplittableRandom(3));
        for (int i = 0; i < 100; i++) {
            assertEquals(1500, window.nextMillis());
        }
        assertEquals(2, window.longestSeconds());
    }

    @Test
    void framesARetryBlockOfItsOwn() {
        RetryWindow window = new RetryWindow(Duration.ofSeconds(1), Duration.ofSeconds(2), new SplittableRandom(5));
        Matcher frame = RETRY.matcher(window.frameOrNull().toString());
        assertTrue(frame.matches());
        long millis = Long.parseLong(frame.group(1));
        assertTrue(millis >= 1000 && millis <= 3000, String.valueOf(millis));
        assertEquals(3, window.longestSeconds(), "a refusal's Retry-After covers the longest draw");
        assertNull(RetryWindow.NONE.frameOrNull());
    }

    @Test
    void opensAStreamWithItsCursorAndRetryInOneBlock() {
        RetryWindow window = new RetryWindow(Duration.ofMillis(1200), Duration.ZERO, new SplittableRandom(1));
        assertEquals(":cursor\nretry: 1200\nid: 41-6\n\n", SseFrames.opening("41-6", window).toString());
        assertEquals("retry: 1200\n\n", SseFrames.opening(null, window).toString(), "no position yet: the retry alone");
        assertEquals(":cursor\nid: 41-6\n\n", SseFrames.opening("41-6", RetryWindow.NONE).toString());
        assertNull(SseFrames.opening(null, RetryWindow.NONE));
    }

    @Test
    void refusesANegativeWindow() {
        assertThrows(IllegalArgumentException.class, () -> new RetryWindow(Duration.ofSeconds(-1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RetryWindow(Duration.ZERO, Duration.ofSeconds(-1)));
    }
}
