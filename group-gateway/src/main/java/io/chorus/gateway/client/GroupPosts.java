package io.chorus.gateway.client;

import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.BodyLimits;
import io.chorus.common.log.GroupCommit;
import io.chorus.common.message.GroupMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Group messages on their way to history-service. Posts made while a call is out are sent
 * together in the next one ({@link GroupCommit}'s batching), so a burst of posts costs one
 * internal request, and history-service one group commit, instead of one request and one token
 * verification each. A lone post goes at once: nothing waits for a batch to fill. A post's
 * answer is its own (201, 200 for a repeated clientId, or the problem that refused it), and comes
 * only after history-service committed it. A batch holds at most {@link BodyLimits#INTERNAL_BATCH}
 * bytes of posts (history-service accepts that and more on its internal paths): sixteen posts of
 * the longest text fill one, and a post that would not fit waits for the next, so what one caller
 * posts never makes the batch, and with it the others' posts, too large.
 */
public final class GroupPosts implements AutoCloseable {

    /**
     * A post whose caller is verified and a member: the gateway names the sender, never the
     * client. It travels to history-service as it is, in a {@link Batch}.
     */
    @RegisterForReflection
    public record Post(String group, String sender, String text, String clientId) {
    }

    /** The body of one internal call: {@code {"posts": [...]}}, as history-service reads it. */
    @RegisterForReflection
    public record Batch(List<Post> posts) {
    }

    /** What history-service stored: 201 (created) or 200 (a repeated clientId's first message). */
    public record Stored(int status, GroupMessage message) {
    }

    /**
     * Longest a caller waits for its answer. A call to history-service times out well before
     * (its read timeout); this only bounds a post queued behind calls that all time out.
     */
    private static final long ANSWER_TIMEOUT_SECONDS = 10;

    private final GroupCommit<Post, HistoryClient.PostResult> batches;

    /** @param send one internal call for a batch: one result per post, in order */
    public GroupPosts(Function<List<Post>, List<HistoryClient.PostResult>> send, int maxBatch, int maxPending) {
        this.batches = new GroupCommit<>("history-service posts", posts -> answered(posts, send.apply(posts)),
                ignored -> { }, maxBatch, BodyLimits.INTERNAL_BATCH, post -> BodyLimits.postBytesAtMost(post.text()),
                maxPending);
    }

    /**
     * The post's answer, once history-service committed it (or refused it): completes with what
     * was stored, or exceptionally with the {@link ProblemException} the caller gets. Never
     * blocks; the answer comes on the writer's thread.
     */
    public CompletableFuture<Stored> submit(Post post) {
        return batches.append(post)
                .orTimeout(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .handle((result, failure) -> {
                    if (failure != null) {
                        throw asProblem(failure);
                    }
                    if (result.status() == 201 || result.status() == 200) {
                        return new Stored(result.status(), result.message());
                    }
                    throw new ProblemException(result.status(), result.title(), result.detail());
                });
    }

    /** As {@link #submit}, blocking until the answer (from a virtual thread). */
    public Stored post(Post post) {
        try {
            return submit(post).join();
        } catch (CompletionException e) {
            throw asProblem(e);
        }
    }

    /** What a caller is told when its post got no answer: history-service's refusal, or a 503 to retry. */
    public static ProblemException asProblem(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ProblemException problem) {
            return problem;
        }
        if (cause instanceof TimeoutException) {
            return ProblemException.unavailable("history-service did not answer in time; retry with the same clientId");
        }
        return ProblemException.unavailable("history-service is unreachable; retry with the same clientId");
    }

    /** Posts queued behind the call that is out. */
    public int waiting() {
        return batches.waiting();
    }

    private static List<HistoryClient.PostResult> answered(List<Post> posts, List<HistoryClient.PostResult> results) {
        if (results == null || results.size() != posts.size()) {
            throw ProblemException.unavailable("history-service answered " + (results == null ? "no" : results.size())
                    + " results for " + posts.size() + " posts; retry with the same clientId");
        }
        return results;
    }

    @Override
    public void close() {
        batches.close();
    }
}
