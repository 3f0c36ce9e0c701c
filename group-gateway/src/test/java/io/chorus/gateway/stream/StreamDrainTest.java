package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StreamDrainTest {

    private static final StreamBounds BOUNDS = new StreamBounds(16, 1 << 20, 100, Duration.ofSeconds(60));
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Pattern LAST_RETRY = Pattern.compile("retry: (\\d+)\n\n$");

    private final Memberships memberships = new Memberships();
    private final Fanout fanout = new Fanout(memberships);
    private final StreamAdmission admission = new StreamAdmission(100_000, 0);
    private final RetryWindow retry = new RetryWindow(Duration.ofSeconds(1), Duration.ofSeconds(2), new SplittableRandom(9));
    private final LoopWriter loop = new LoopWriter(Runnable::run);
    /** The clock the drain reads, moved by hand. */
    private long now = 1_000_000_000L;
    /** Ticks the drain asked for, run by hand. */
    private final Deque<Runnable> ticks = new ArrayDeque<>();
    private final List<Duration> tickDelays = new ArrayList<>();

    private StreamDrain drain(int perSecond, Duration within) {
        return new StreamDrain(fanout, admission, retry, perSecond, within, TICK, (delay, task) -> {
            tickDelays.add(delay);
            ticks.add(task);
        }, () -> now);
    }

    private List<RecordingSink> open(int streams) {
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            memberships.add("garden", "user" + i);
            RecordingSink sink = new RecordingSink();
            Subscriber subscriber = new Subscriber("user" + i, "garden", false, memberships, BOUNDS, sink, loop);
            subscriber.onEnd(() -> fanout.unregister(subscriber));
            fanout.register(subscriber);
            sink.open(SseFrames.opening("0", retry));
            subscriber.start(new StreamCursor(0, 0));
            sinks.add(sink);
        }
        return sinks;
    }

    /** Moves the clock a tick on and runs the tick the drain scheduled; false if it scheduled none. */
    private boolean nextTick() {
        Runnable tick = ticks.poll();
        if (tick == null) {
            return false;
        }
        now += TICK.toNanos();
        tick.run();
        return true;
    }

    private static long ended(List<RecordingSink> sinks) {
        return sinks.stream().filter(sink -> sink.ended).count();
    }

    @Test
    void saysItIsDrainingAndRefusesNewStreamsBeforeEndingAny() {
        List<RecordingSink> sinks = open(10);
        StreamDrain drain = drain(4000, Duration.ofSeconds(5));
        assertFalse(drain.isDraining());
        drain.start();
        assertTrue(drain.isDraining(), "readiness goes down at once");
        assertEquals(0, ended(sinks), "no stream ends before the first tick");
        ProblemException refused = assertThrows(ProblemException.class, () -> admission.admit("late"));
        assertEquals(503, refused.status());
        assertEquals(3, refused.retryAfterSeconds(), "come back once the longest retry has passed");
        assertTrue(nextTick());
        assertEquals(10, ended(sinks));
    }

    @Test
    void endsTheStreamsAtTheRateEachRightAfterARetry() {
        List<RecordingSink> sinks = open(100);
        StreamDrain drain = drain(20, Duration.ofSeconds(30));
        CompletableFuture<Void> done = drain.start();
        List<Long> endedAfterEachTick = new ArrayList<>();
        while (nextTick()) {
            endedAfterEachTick.add(ended(sinks));
        }
        assertTrue(done.isDone());
        // 20 a second, one a tick of 50 ms: 100 streams over 5 s, never two at once.
        assertEquals(100, endedAfterEachTick.size());
        for (int i = 0; i < endedAfterEachTick.size(); i++) {
            assertEquals(i + 1, endedAfterEachTick.get(i), "after tick " + (i + 1));
        }
        assertTrue(tickDelays.stream().allMatch(TICK::equals));
        for (RecordingSink sink : sinks) {
            Matcher last = LAST_RETRY.matcher(sink.text());
            assertTrue(last.find(), "the last frame before the end is a retry: " + sink.text());
            long millis = Long.parseLong(last.group(1));
            assertTrue(millis >= 1000 && millis <= 3000, String.valueOf(millis));
        }
        assertEquals(0, fanout.subscriberCount());
    }

    @Test
    void goesFasterThanTheRateToEndEveryStreamWithinTheBudget() {
        List<RecordingSink> sinks = open(1000);
        CompletableFuture<Void> done = drain(10, Duration.ofSeconds(2)).start();
        int ticksRun = 0;
        while (nextTick()) {
            ticksRun++;
        }
        assertTrue(done.isDone());
        assertEquals(1000, ended(sinks));
        assertEquals(Duration.ofSeconds(2).dividedBy(TICK), ticksRun, "done by the end of the budget, spread over it");
    }

    @Test
    void alsoEndsAStreamThatOpenedAsTheDrainBegan() {
        List<RecordingSink> sinks = open(5);
        CompletableFuture<Void> done = drain(4000, Duration.ofSeconds(5)).start();
        // Admitted just before admission closed, registered after the drain counted the streams.
        sinks.addAll(open(1));
        while (nextTick()) {
            // ticks until done
        }
        assertTrue(done.isDone());
        assertEquals(6, ended(sinks));
    }

    @Test
    void aSecondStartIsTheSameDrain() {
        open(3);
        StreamDrain drain = drain(1, Duration.ofSeconds(10));
        CompletableFuture<Void> first = drain.start();
        assertEquals(first, drain.start());
        assertEquals(1, ticks.size(), "one drain, one tick waiting");
    }

    @Test
    void finishEndsWhatIsLeftAtOnce() {
        List<RecordingSink> sinks = open(50);
        StreamDrain drain = drain(20, Duration.ofSeconds(30));
        CompletableFuture<Void> done = drain.start();
        nextTick();
        assertEquals(1, ended(sinks));
        drain.finish();
        assertTrue(done.isDone());
        assertEquals(50, ended(sinks));
        assertTrue(sinks.stream().allMatch(sink -> LAST_RETRY.matcher(sink.text()).find()), "each with its retry");
    }
}
