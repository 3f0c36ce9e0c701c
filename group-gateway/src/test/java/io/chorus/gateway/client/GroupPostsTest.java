package io.chorus.gateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.BodyLimits;
import io.chorus.common.message.MessageText;
import io.chorus.common.message.GroupMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's batching of posts to history-service, against a recording stand-in for the call. */
class GroupPostsTest {

    private final List<List<GroupPosts.Post>> calls = new CopyOnWriteArrayList<>();
    private final ExecutorService posters = Executors.newVirtualThreadPerTaskExecutor();
    private GroupPosts posts;

    @AfterEach
    void close() {
        posters.close();
        if (posts != null) {
            posts.close();
        }
    }

    /** history-service as it answers: 201 and an id per post, but 400 for an empty text. */
    private List<HistoryClient.PostResult> store(List<GroupPosts.Post> batch) {
        calls.add(List.copyOf(batch));
        List<HistoryClient.PostResult> results = new ArrayList<>();
        for (GroupPosts.Post post : batch) {
            results.add(post.text().isEmpty() ? new HistoryClient.PostResult(400, null, "Invalid request", "text is required")
                    : new HistoryClient.PostResult(201, new GroupMessage(results.size() + 1, post.group(), post.sender(),
                            post.text(), Instant.now()), null, null));
        }
        return results;
    }

    private static GroupPosts.Post post(String text) {
        return new GroupPosts.Post("g", "alice", text, null);
    }

    @Test
    void aLonePostGoesAtOnceAndGetsItsAnswer() {
        posts = new GroupPosts(this::store, 256, 100);
        GroupPosts.Stored stored = posts.post(post("hello"));
        assertEquals(201, stored.status());
        assertEquals("hello", stored.message().text());
        assertEquals(List.of(List.of(post("hello"))), calls);
    }

    @Test
    void postsMadeWhileACallIsOutTravelTogetherInTheNext() throws Exception {
        CountDownLatch firstCallHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        posts = new GroupPosts(batch -> {
            if (calls.isEmpty()) {
                firstCallHeld.countDown();
                await(release);
            }
            return store(batch);
        }, 256, 100);
        CompletableFuture<GroupPosts.Stored> first = CompletableFuture.supplyAsync(() -> posts.post(post("first")), posters);
        assertTrue(firstCallHeld.await(10, TimeUnit.SECONDS), "the first post went out alone");
        List<CompletableFuture<GroupPosts.Stored>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String text = "next " + i;
            waiting.add(CompletableFuture.supplyAsync(() -> posts.post(post(text)), posters));
        }
        Awaitility.await("all twenty queued behind the call that is out").atMost(Duration.ofSeconds(10))
                .until(() -> posts.waiting() == 20);
        assertTrue(calls.isEmpty(), "nothing else was sent meanwhile");
        release.countDown();
        assertEquals(201, first.get(10, TimeUnit.SECONDS).status());
        for (CompletableFuture<GroupPosts.Stored> answer : waiting) {
            assertEquals(201, answer.get(10, TimeUnit.SECONDS).status());
        }
        int sentAfterTheFirst = calls.stream().skip(1).mapToInt(List::size).sum();
        assertEquals(20, sentAfterTheFirst, "every queued post was sent once");
        assertEquals(2, calls.size(), "the twenty queued posts went in one call");
    }

    /**
     * Posts of the longest text and short ones queued at once: the calls that carry
     * them, in the JSON the internal call writes, stay within what history-service accepts, and
     * every post is sent once and answered 201.
     */
    @Test
    void batchesOfLongPostsStayWithinTheBytesHistoryServiceAccepts() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Integer> bodyBytes = new CopyOnWriteArrayList<>();
        CountDownLatch firstCallHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        posts = new GroupPosts(batch -> {
            try {
                bodyBytes.add(json.writeValueAsBytes(new GroupPosts.Batch(batch)).length);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            if (calls.isEmpty()) {
                firstCallHeld.countDown();
                await(release);
            }
            return store(batch);
        }, 256, 100);
        CompletableFuture<GroupPosts.Stored> first = CompletableFuture.supplyAsync(() -> posts.post(post("first")), posters);
        assertTrue(firstCallHeld.await(10, TimeUnit.SECONDS));
        List<CompletableFuture<GroupPosts.Stored>> waiting = new ArrayList<>();
        // 24 of the longest (two in three emoji, which Jackson writes as escaped pairs: 48 KiB each),
        // together more than one batch may carry, and 16 short ones between them.
        for (int i = 0; i < 40; i++) {
            String text = i % 5 == 1 || i % 5 == 3 ? "hi" : (i % 3 == 0 ? "\u20ac" : "\ud83d\ude00").repeat(MessageText.MAX_CHARACTERS);
            waiting.add(CompletableFuture.supplyAsync(() -> posts.post(post(text)), posters));
        }
        Awaitility.await("all queued behind the call that is out").atMost(Duration.ofSeconds(10))
                .until(() -> posts.waiting() == 40);
        release.countDown();
        assertEquals(201, first.get(10, TimeUnit.SECONDS).status());
        for (CompletableFuture<GroupPosts.Stored> answer : waiting) {
            assertEquals(201, answer.get(10, TimeUnit.SECONDS).status());
        }
        assertEquals(40, calls.stream().skip(1).mapToInt(List::size).sum(), "every post was sent once");
        assertTrue(bodyBytes.stream().allMatch(bytes -> bytes <= BodyLimits.INTERNAL_BATCH),
                "every call within the batch cap: " + bodyBytes);
        assertTrue(bodyBytes.stream().skip(1).anyMatch(bytes -> bytes > BodyLimits.PUBLIC), "and still batched: " + bodyBytes);
    }

    @Test
    void aRefusedPostGetsItsOwnProblemAndTheOthersTheirAnswers() throws Exception {
        posts = new GroupPosts(this::store, 256, 100);
        ProblemException refused = assertThrows(ProblemException.class, () -> posts.post(post("")));
        assertEquals(400, refused.status());
        assertEquals("text is required", refused.getMessage());
        assertEquals(201, posts.post(post("fine")).status());
    }

    @Test
    void aFailedCallIsA503ForItsPosts() {
        Function<List<GroupPosts.Post>, List<HistoryClient.PostResult>> down = batch -> {
            throw ProblemException.unavailable("history-service is unreachable; retry shortly");
        };
        posts = new GroupPosts(down, 256, 100);
        ProblemException refused = assertThrows(ProblemException.class, () -> posts.post(post("hello")));
        assertEquals(503, refused.status());
    }

    @Test
    void anAnswerWithTheWrongNumberOfResultsIsA503NotAMisattributedMessage() {
        posts = new GroupPosts(batch -> List.of(), 256, 100);
        assertEquals(503, assertThrows(ProblemException.class, () -> posts.post(post("hello"))).status());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
