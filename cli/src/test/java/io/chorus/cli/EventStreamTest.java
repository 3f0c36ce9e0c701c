package io.chorus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    /** What the fake server does on one connection attempt. */
    private sealed interface Attempt permits Refuse, Serve {
    }

    private record Refuse(ChorusException failure) implements Attempt {
    }

    /** Sends the lines, then ends cleanly (failure null) or with the failure. */
    private record Serve(List<String> lines, IOException failure) implements Attempt {
    }

    private static Serve serve(IOException failure, String... lines) {
        return new Serve(Arrays.asList(lines), failure);
    }

    private static String[] event(String id, String text) {
        return new String[] {"id: " + id, "event: group-message", "data: " + text, ""};
    }

    private static String[] concat(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }

    private final Deque<Attempt> script = new ArrayDeque<>();
    private final List<String> resumedFrom = new ArrayList<>();
    private final List<String> delivered = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private EventStream stream;

    private EventStream stream(ResumeCursor cursor) {
        stream = new EventStream(this::open, cursor, event -> delivered.add(event.data()), sleeps::add, Duration.ofSeconds(45));
        return stream;
    }

    private EventStream.Connection open(String lastEventId) {
        resumedFrom.add(lastEventId);
        Attempt attempt = script.poll();
        if (attempt == null) {
            // The script is played out: end the test's stream the way Ctrl-C in chat would.
            stream.stop();
            return connection(List.of(), null);
        }
        if (attempt instanceof Refuse refuse) {
            throw refuse.failure();
        }
        Serve serve = (Serve) attempt;
        return connection(serve.lines(), serve.failure());
    }

    private static EventStream.Connection connection(List<String> lines, IOException failure) {
        Iterator<String> next = lines.iterator();
        return new EventStream.Connection() {
            @Override
            public String readLine(Duration idle) throws IOException {
                if (next.hasNext()) {
                    return next.next();
                }
                if (failure != null) {
                    throw failure;
                }
                return null;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void resumesFromTheLastEventAfterADropWithoutRepeatingIt() {
        script.add(serve(new IOException("connection reset"), concat(event("1-0", "a"), event("2-0", "b"))));
        // The replay overlaps what was already shown: b must not be printed twice.
        script.add(serve(null, concat(event("2-0", "b"), event("3-0", "c"), event("3-1", "dm"))));
        stream(ResumeCursor.fromNow()).run();
        assertEquals(List.of("a", "b", "c", "dm"), delivered);
        assertEquals(Arrays.asList(null, "2-0", "3-1"), resumedFrom);
    }

    @Test
    void deliversEphemeralEventsWithoutAPositionAndResumesFromTheLastLoggedOne() {
        script.add(serve(new IOException("connection reset"), concat(event("1-0", "a"),
                new String[] {"event: typing", "data: bob types", ""}, new String[] {"event: typing", "data: bob types", ""})));
        script.add(serve(null, concat(event("2-0", "b"))));
        stream(ResumeCursor.fromNow()).run();
        assertEquals(List.of("a", "bob types", "bob types", "b"), delivered, "typing carries the last id but is no repeat");
        assertEquals(Arrays.asList(null, "1-0", "2-0"), resumedFrom);
    }

    @Test
    void resumesFromTheOpeningCursorWhenDroppedBeforeAnyMessage() {
        script.add(serve(new IOException("connection reset"), ": cursor", "id: 5-3", ""));
        script.add(serve(null, event("6-3", "missed while away")));
        stream(ResumeCursor.fromNow()).run();
        assertEquals(Arrays.asList(null, "5-3", "6-3"), resumedFrom);
        assertEquals(List.of("missed while away"), delivered);
    }

    @Test
    void firstConnectionAlreadyResumesFromTheStartingCursor() {
        script.add(serve(null, event("8-2", "x")));
        stream(new ResumeCursor("7-2")).run();
        assertEquals("7-2", resumedFrom.get(0));
        assertEquals(List.of("x"), delivered);
    }

    @Test
    void endsForGoodWhenTheServerRefuses() {
        script.add(serve(null, event("1", "a")));
        script.add(new Refuse(ChorusException.refused(403, "you are not a member of garden")));
        ChorusException e = assertThrows(ChorusException.class, () -> stream(ResumeCursor.fromNow()).run());
        assertEquals(403, e.status());
        assertEquals(List.of("a"), delivered);
    }

    @Test
    void retriesUnreachableAndUnavailableWithGrowingDelaysThenResets() {
        script.add(new Refuse(ChorusException.unreachable("connection refused", null)));
        script.add(new Refuse(ChorusException.unreachable("connection refused", null)));
        script.add(new Refuse(ChorusException.refused(503, "history-service is unavailable")));
        script.add(serve(null, ": heartbeat", ""));
        script.add(new Refuse(ChorusException.unreachable("connection refused", null)));
        stream(ResumeCursor.fromNow()).run();
        assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000),
                Duration.ofMillis(250), Duration.ofMillis(500)), sleeps);
    }

    @Test
    void reconnectsWhenTheServerGoesSilent() {
        script.add(serve(new SocketTimeoutException("nothing for 45 s"), event("4", "a")));
        script.add(serve(null, event("5", "b")));
        stream(ResumeCursor.fromNow()).run();
        assertEquals(List.of("a", "b"), delivered);
        assertEquals(Arrays.asList(null, "4", "5"), resumedFrom);
    }

    @Test
    void waitsTheReconnectionTimeTheServerSentThenBacksOffFromIt() {
        script.add(serve(null, ":cursor", "retry: 1700", "id: 3", "", ": heartbeat", ""));
        script.add(new Refuse(ChorusException.refused(503, "this gateway is shutting down")));
        script.add(new Refuse(ChorusException.unreachable("connection refused", null)));
        script.add(serve(null, event("4", "a")));
        stream(ResumeCursor.fromNow()).run();
        assertEquals(List.of(Duration.ofMillis(1700), Duration.ofMillis(3400), Duration.ofMillis(5000),
                Duration.ofMillis(1700)), sleeps);
        assertEquals(Arrays.asList(null, "3", "3", "3", "4"), resumedFrom);
    }

    @Test
    void aReconnectionTimeLongerThanTheCapIsStillHonoured() {
        assertEquals(Duration.ofSeconds(8), EventStream.delay(1, Duration.ofSeconds(8)));
        assertEquals(Duration.ofSeconds(8), EventStream.delay(3, Duration.ofSeconds(8)));
        assertEquals(Duration.ofMillis(250), EventStream.delay(1, null));
    }

    @Test
    void capsTheDelay() {
        assertEquals(Duration.ofMillis(2000), EventStream.delay(4));
        assertEquals(EventStream.LONGEST_RETRY, EventStream.delay(6));
        assertEquals(EventStream.LONGEST_RETRY, EventStream.delay(1000));
    }

    @Test
    void stopEndsTheWaitBetweenAttemptsAtOnce() throws Exception {
        java.util.concurrent.CountDownLatch longWait = new java.util.concurrent.CountDownLatch(1);
        EventStream unreachable = new EventStream(
                lastEventId -> {
                    throw ChorusException.unreachable("connection refused", null);
                },
                ResumeCursor.fromNow(),
                new EventStream.Listener() {
                    @Override
                    public void event(SseParser.Event event) {
                    }

                    @Override
                    public void reconnecting(Duration delay, String reason) {
                        if (delay.compareTo(Duration.ofSeconds(2)) >= 0) {
                            longWait.countDown();
                        }
                    }
                },
                Duration.ofSeconds(45));
        Thread runner = Thread.ofVirtual().start(unreachable::run);
        org.junit.jupiter.api.Assertions.assertTrue(longWait.await(10, java.util.concurrent.TimeUnit.SECONDS));
        unreachable.stop();
        // The wait in progress is 2 s long; stop() must not have to sit it out.
        runner.join(Duration.ofMillis(500));
        org.junit.jupiter.api.Assertions.assertFalse(runner.isAlive(), "run() ended when stopped");
    }
}
