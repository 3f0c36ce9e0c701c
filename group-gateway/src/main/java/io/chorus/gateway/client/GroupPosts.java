package io.chorus.gateway.client;

import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.BodyLimits;
import io.chorus.common.log.GroupCommit;
import io.chorus.common.message.GroupMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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

    /** A post whose caller is verified and a member: the gateway names the sender, never the client. */
    public record Post(String group, String sender, String text, String clientId) {
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

    /** The batch call through the REST client: history-service's 4xx and outages become problems (503). */
    public static Function<List<Post>, List<HistoryClient.PostResult>> through(HistoryClient history) {
        return posts -> Upstream.call("history-service", () -> history.appendAll(new HistoryClient.PostBatch(posts
                .stream().map(p -> new HistoryClient.Post(p.group(), p.sender(), p.text(), p.clientId())).toList())))
                .results();
    }

    /** Blocks (on a virtual thread) until history-service answered this post. */
    public Stored post(Post post) {
        CompletableFuture<HistoryClient.PostResult> answer = batches.append(post);
        HistoryClient.PostResult result;
        try {
            result = answer.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ProblemException problem ? problem
                    : ProblemException.unavailable("history-service is unreachable; retry with the same clientId");
        } catch (TimeoutException e) {
            throw ProblemException.unavailable("history-service did not answer in time; retry with the same clientId");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("the gateway is shutting down; retry");
        }
        if (result.status() == 201 || result.status() == 200) {
            return new Stored(result.status(), result.message());
        }
        throw new ProblemException(result.status(), result.title(), result.detail());
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
