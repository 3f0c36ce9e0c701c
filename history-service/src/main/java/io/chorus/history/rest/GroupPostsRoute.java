package io.chorus.history.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.error.Problem;
import io.chorus.common.error.ProblemException;
import io.chorus.common.error.ProblemMappers;
import io.chorus.common.error.RouteProblems;
import io.chorus.common.http.RouteBodies;
import io.chorus.common.log.Appended;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.message.MessageText;
import io.chorus.common.naming.NameRule;
import io.chorus.common.security.InternalCredential;
import io.chorus.history.service.Append;
import io.chorus.history.service.MessageLog;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Many posts in one call, {@code POST /internal/group-messages}: the gateway gathers the posts its
 * callers make at the same moment and sends them here together, so a burst costs one request (and
 * one group commit) instead of one request, one token verification and one commit per post. The
 * gateway verified each caller's token and membership; the internal credential is what lets it
 * name the senders. Each post gets its own answer, in order: 201 or 200 (a repeated clientId) with
 * the stored message, or the problem that refused it; one bad post does not refuse the others.
 * The call answers once every accepted post is committed.
 *
 * <p>A plain Vert.x route, not a REST resource: every message passes here, and the REST layer's
 * chain (filters, context propagation, the resource's serialisation) was about 40% of
 * history-service's CPU in a many-small-groups run (docs/performance.md). Nothing here blocks:
 * the group commit takes the appends and answers from its writer thread. The HTTP layer's limits
 * (common's http.HttpLayerRefusals: the internal body size, JSON only) apply as on every path;
 * the internal credential is checked here, as {@link InternalCredential} does for resources.
 */
@ApplicationScoped
public class GroupPostsRoute {

    private static final Logger LOG = Logger.getLogger(GroupPostsRoute.class);
    static final String PATH = "/internal/group-messages";
    /** A batch larger than this is refused whole: the gateway never sends one (its batches are smaller). */
    static final int MAX_POSTS = 1000;
    /** After the HTTP layer's refusals and body reading, before the REST layer. */
    private static final int ORDER = 0;

    private final Vertx vertx;
    private final MessageLog log;
    private final ObjectMapper mapper;
    private final InternalCredential credential;

    public GroupPostsRoute(Vertx vertx, MessageLog log, ObjectMapper mapper, InternalCredential credential) {
        this.vertx = vertx;
        this.log = log;
        this.mapper = mapper;
        this.credential = credential;
    }

    void install(@Observes Router router) {
        router.post(PATH).order(ORDER).handler(this::append);
    }

    private void append(RoutingContext context) {
        Context loop = vertx.getOrCreateContext();
        if (!credential.matches(context.request().getHeader(InternalCredential.HEADER))) {
            refuse(context.response(), ProblemException.unauthorized("internal paths answer only the services of this deployment"));
            return;
        }
        RouteBodies.of(context).onComplete(read -> loop.runOnContext(ignored ->
                append(context, loop, read.succeeded() ? read.result() : null)));
    }

    private void append(RoutingContext context, Context loop, Buffer body) {
        List<CompletableFuture<Result>> results;
        try {
            List<Post> posts = posts(body);
            results = new ArrayList<>(posts.size());
            for (Post post : posts) {
                results.add(appendOne(post));
            }
        } catch (RuntimeException e) {
            refuse(context.response(), e);
            return;
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) ->
                loop.runOnContext(nothing -> answer(context.response(), results)));
    }

    private List<Post> posts(Buffer body) {
        Posts request;
        try {
            request = body == null || body.length() == 0 ? null : mapper.readValue(body.getBytes(), Posts.class);
        } catch (JsonProcessingException e) {
            Problem unreadable = ProblemMappers.unreadable(e);
            throw new ProblemException(unreadable.status(), unreadable.title(), unreadable.detail());
        } catch (IOException e) {
            throw ProblemException.invalid("the body could not be read");
        }
        if (request == null) {
            throw ProblemException.invalid("a JSON body {\"posts\": [...]} is required");
        }
        List<Post> posts = request.posts();
        if (posts == null || posts.isEmpty() || posts.size() > MAX_POSTS) {
            throw ProblemException.invalid("posts must hold 1 to " + MAX_POSTS + " posts");
        }
        return posts;
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

    private void answer(HttpServerResponse response, List<CompletableFuture<Result>> results) {
        if (response.closed() || response.ended()) {
            return;
        }
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(new Results(results.stream().map(CompletableFuture::join).toList()));
        } catch (JsonProcessingException e) {
            refuse(response, e);
            return;
        }
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
                .end(Buffer.buffer(body));
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

    private static void refuse(HttpServerResponse response, Throwable failure) {
        if (response.closed() || response.headWritten()) {
            return;
        }
        if (failure instanceof ProblemException problem) {
            RouteProblems.send(response, problem);
        } else {
            LOG.error("a batch of posts failed", failure);
            RouteProblems.send(response, 500, "Internal error", "the server failed; the failure is logged");
        }
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
