package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LogFollowerTest {

    /** A log of ids 1..head, as history-service would serve it. */
    static final class FakeLog implements LogFollower.Source {
        long head;
        int reads;
        boolean down;

        @Override
        public long head() {
            if (down) {
                throw new IllegalStateException("history-service is down");
            }
            return head;
        }

        @Override
        public List<LiveEvent> after(long position, int limit) {
            if (down) {
                throw new IllegalStateException("history-service is down");
            }
            reads++;
            return LongStream.rangeClosed(position + 1, Math.min(head, position + limit)).mapToObj(FakeLog::event).toList();
        }

        static LiveEvent event(long id) {
            return new LiveEvent(LiveEvent.Log.GROUP, "group-message", id, "g", "alice", null, "{\"id\":" + id + "}");
        }
    }

    private final FakeLog log = new FakeLog();
    private final List<Long> delivered = new ArrayList<>();
    private final LogFollower follower = new LogFollower("test", log, event -> delivered.add(event.position()));

    @Test
    void startsAtTheHeadAndDeliversInOrder() {
        log.head = 10;
        follower.catchUp();
        log.head = 12;
        follower.offer(FakeLog.event(11));
        follower.offer(FakeLog.event(12));
        assertEquals(List.of(11L, 12L), delivered);
        assertEquals(0, log.reads, "no gap, no read");
    }

    @Test
    void dropsDuplicatesAndOldMessages() {
        log.head = 5;
        follower.catchUp();
        log.head = 6;
        follower.offer(FakeLog.event(6));
        follower.offer(FakeLog.event(6));
        follower.offer(FakeLog.event(3));
        assertEquals(List.of(6L), delivered);
    }

    @Test
    void fillsAGapFromTheLogBeforeGoingOn() {
        log.head = 0;
        follower.catchUp();
        log.head = 4;
        follower.offer(FakeLog.event(1));
        follower.offer(FakeLog.event(4));
        assertEquals(List.of(1L, 2L, 3L, 4L), delivered);
        assertEquals(2, follower.filled());
    }

    @Test
    void catchUpDeliversTheTailTheBusNeverBrought() {
        log.head = 2;
        follower.catchUp();
        log.head = 1200;
        follower.catchUp();
        assertEquals(LongStream.rangeClosed(3, 1200).boxed().toList(), delivered);
    }

    @Test
    void ignoresMessagesBeforeItKnowsTheHead() {
        follower.offer(FakeLog.event(1));
        assertEquals(List.of(), delivered);
    }

    @Test
    void keepsOrderWhenTheLogIsUnreachable() {
        log.head = 1;
        follower.catchUp();
        LogFollower broken = new LogFollower("broken", new LogFollower.Source() {
            @Override
            public long head() {
                return 1;
            }

            @Override
            public List<LiveEvent> after(long position, int limit) {
                throw new IllegalStateException("down");
            }
        }, event -> delivered.add(event.position()));
        broken.catchUp();
        broken.offer(FakeLog.event(3));
        assertEquals(List.of(), delivered, "3 waits until 2 can be read");
    }

    @Test
    void reportsTheLogUnreachableWhileItsReadsFailAndReachableOnceOneSucceeds() {
        log.head = 3;
        follower.catchUp();
        assertTrue(follower.isLogReachable());
        log.down = true;
        assertThrows(IllegalStateException.class, follower::catchUp);
        assertFalse(follower.isLogReachable(), "a failed catch-up");
        log.down = false;
        follower.catchUp();
        assertTrue(follower.isLogReachable());
        log.down = true;
        log.head = 5;
        follower.offer(FakeLog.event(5));
        assertFalse(follower.isLogReachable(), "a failed gap fill counts too");
        log.down = false;
        follower.offer(FakeLog.event(5));
        assertTrue(follower.isLogReachable());
        assertEquals(List.of(4L, 5L), delivered);
    }

    @Test
    void aStreamRegistersWhileTheFollowerWaitsOnARead() throws Exception {
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        LogFollower follower = new LogFollower("slow", new LogFollower.Source() {
            @Override
            public long head() {
                reading.countDown();
                try {
                    // history-service slow to answer: the read holds the follower's lock meanwhile.
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 0;
            }

            @Override
            public List<LiveEvent> after(long position, int limit) {
                return List.of();
            }
        }, event -> { });
        Thread catchUp = Thread.ofVirtual().start(follower::catchUp);
        try {
            assertTrue(reading.await(5, java.util.concurrent.TimeUnit.SECONDS));
            java.util.concurrent.CompletableFuture<Long> registered = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> follower.lastWhile(() -> { }));
            assertEquals(-1L, registered.get(5, java.util.concurrent.TimeUnit.SECONDS),
                    "registering did not wait for the log's answer");
        } finally {
            answer.countDown();
            catchUp.join(5000);
        }
    }
}
