package io.chorus.history.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.log.Appended;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.message.MessageText;
import io.chorus.common.naming.NameRule;
import io.chorus.history.service.Append;
import io.chorus.history.service.MessageLog;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Many posts in one call: the gateway gathers the posts its callers make at the same moment and
 * sends them here together, so a burst costs one request (and one group commit) instead of one
 * request, one token verification and one commit per post. The gateway verified each caller's
 * token and membership; the internal credential (every /internal path) is what lets it name the
 * senders. Each post gets its own answer, in order: 201 or 200 (a repeated clientId) with the
 * stored message, or the problem that refused it; one bad post does not refuse the others. The
 * call answers once every accepted post is committed.
 */
@Path("/internal/group-messages")
@Produces(MediaType.APPLICATION_JSON)
public class GroupPostsResource {

    /** A batch larger than this is refused whole: the gateway never sends one (its batches are smaller). */
    static final int MAX_POSTS = 1000;

    private final MessageLog log;

    public GroupPostsResource(MessageLog log) {
        this.log = log;
    }

    @POST
    public Uni<Results> append(@NotNull(message = "a JSON body {\"posts\": [...]} is required") Posts request) {
        List<Post> posts = request.posts();
        if (posts == null || posts.isEmpty() || posts.size() > MAX_POSTS) {
            throw ProblemException.invalid("posts must hold 1 to " + MAX_POSTS + " posts");
        }
        List<CompletableFuture<Result>> results = new ArrayList<>(posts.size());
        for (Post post : posts) {
            results.add(appendOne(post));
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)))
                .map(ignored -> new Results(results.stream().map(CompletableFuture::join).toList()));
    }

    private CompletableFuture<Result> appendOne(Post post) {
        Append append;
        try {
            append = validated(post);
        } catch (ProblemException refused) {
            return CompletableFuture.completedFuture(Result.refused(refused));
        }
        return log.append(append).handle((appended, failure) -> failure == null ? Result.of(appended)
                : Result.refused(asProblem(failure)));
    }

    /** The group commit logs a failed commit; the post's answer is its 503 (or the overload refusal). */
    private static ProblemException asProblem(Throwable failure) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        return cause instanceof ProblemException problem ? problem
                : ProblemException.unavailable("the group log could not store the message; retry with its clientId");
    }

    private static Append validated(Post post) {
        if (post == null) {
            throw ProblemException.invalid("a post must be an object {group, sender, text, clientId}");
        }
        if (post.group() == null || !NameRule.isValid(post.group())) {
            throw ProblemException.notFound("no group named '" + post.group() + "'");
        }
        if (post.sender() == null || !NameRule.isValid(post.sender())) {
            throw ProblemException.invalid("sender must be " + NameRule.DESCRIPTION);
        }
        return Append.message(post.group(), post.sender(), MessageText.require(post.text()),
                ClientId.requireValidOrNull(post.clientId()));
    }

    /** One post as the gateway forwards it: the sender is the verified caller, never a client's field. */
    @RegisterForReflection
    public record Post(String group, String sender, String text, String clientId) {
    }

    @RegisterForReflection
    public record Posts(List<Post> posts) {
    }

    /** A post's answer: status 201/200 with the message, or a problem's status, title and detail. */
    @RegisterForReflection
    public record Result(int status, GroupMessage message, String title, String detail) {

        static Result of(Appended<GroupLogEntry> appended) {
            return new Result(appended.created() ? 201 : 200, appended.entry().message(), null, null);
        }

        static Result refused(ProblemException problem) {
            return new Result(problem.status(), null, problem.title(), problem.getMessage());
        }
    }

    @RegisterForReflection
    public record Results(List<Result> results) {
    }
}
