package io.chorus.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import io.chorus.common.error.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void commitsWhatQueuedMeanwhileInOneBatchAndHandsItOnInOrder() throws Exception {
        CountDownLatch firstCommitStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstCommit = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        List<List<Integer>> handedOn = new CopyOnWriteArrayList<>();
        // Appenders are answered first and the batch is handed on after: wait for both hand-ons.
        CountDownLatch bothHandedOn = new CountDownLatch(2);
        try (GroupCommit<Integer, Integer> log = new GroupCommit<>("test", appends -> {
            batches.add(appends);
            firstCommitStarted.countDown();
            await(releaseFirstCommit);
            return appends.stream().map(a -> a * 10).toList();
        }, results -> {
            handedOn.add(results);
            bothHandedOn.countDown();
        }, 100, 1000)) {
            CompletableFuture<Integer> first = log.append(1);
            assertTrue(firstCommitStarted.await(5, TimeUnit.SECONDS));
            List<CompletableFuture<Integer>> waiting = new ArrayList<>();
            for (int i = 2; i <= 6; i++) {
                waiting.add(log.append(i));
            }
            assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "nothing completes before its commit");
            releaseFirstCommit.countDown();
            assertEquals(10, first.get(5, TimeUnit.SECONDS));
            for (int i = 0; i < waiting.size(); i++) {
                assertEquals((i + 2) * 10, waiting.get(i).get(5, TimeUnit.SECONDS));
            }
            assertEquals(List.of(List.of(1), List.of(2, 3, 4, 5, 6)), batches, "the five waiting shared one commit");
            assertTrue(bothHandedOn.await(5, TimeUnit.SECONDS), "both batches handed on");
            assertEquals(List.of(List.of(10), List.of(20, 30, 40, 50, 60)), handedOn);
        }
    }

    @Test
    void failsEveryAppendOfABatchThatCouldNotCommit() throws Exception {
        try (GroupCommit<Integer, Integer> log = new GroupCommit<>("test", appends -> {
            throw new IllegalStateException("database away");
        }, results -> { }, 10, 10)) {
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> log.append(1).get(5, TimeUnit.SECONDS));
            assertInstanceOf(StorageException.class, failure.getCause());
        }
    }

    @Test
    void refusesAppendsBeyondItsQueueInsteadOfWaitingForever() throws Exception {
        CountDownLatch committing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer, Integer> log = new GroupCommit<>("test", appends -> {
            committing.countDown();
            await(release);
            return appends;
        }, results -> { }, 1, 1)) {
            log.append(1);
            // The writer holds append 1 in a commit; the queue has room for one more, and no more.
            assertTrue(committing.await(5, TimeUnit.SECONDS), "the writer took the first append");
            CompletableFuture<Integer> queued = log.append(2);
            CompletableFuture<Integer> beyond = log.append(3);
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> beyond.get(5, TimeUnit.SECONDS));
            assertInstanceOf(ProblemException.class, refused.getCause());
            assertEquals(503, ((ProblemException) refused.getCause()).status());
            assertFalse(queued.isDone(), "the queued append waits for its commit");
            release.countDown();
            assertEquals(2, queued.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBatchNeverHoldsMoreBytesThanItsCapAndWhatWouldNotFitGoesInTheNext() throws Exception {
        CountDownLatch firstCommitStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstCommit = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        // An append's size is its value; a batch holds at most 10 of it (and at most 100 appends).
        try (GroupCommit<Integer, Integer> log = new GroupCommit<>("test", appends -> {
            batches.add(appends);
            firstCommitStarted.countDown();
            await(releaseFirstCommit);
            return appends;
        }, results -> { }, 100, 10, Integer::longValue, 1000)) {
            CompletableFuture<Integer> first = log.append(1);
            assertTrue(firstCommitStarted.await(5, TimeUnit.SECONDS));
            List<CompletableFuture<Integer>> waiting = new ArrayList<>();
            for (int size : new int[] {4, 4, 4, 1, 1, 15, 2}) {
                waiting.add(log.append(size));
            }
            releaseFirstCommit.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Integer> append : waiting) {
                append.get(5, TimeUnit.SECONDS);
            }
            // In order, never reordered to fill a gap: the third 4 waits, and a lone append larger
            // than the cap still goes, alone.
            assertEquals(List.of(List.of(1), List.of(4, 4), List.of(4, 1, 1), List.of(15), List.of(2)), batches);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
