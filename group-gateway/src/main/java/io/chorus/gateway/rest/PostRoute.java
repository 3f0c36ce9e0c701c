package io.chorus.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.error.Problem;
import io.chorus.common.error.ProblemException;
import io.chorus.common.error.ProblemMappers;
import io.chorus.common.error.RouteProblems;
import io.chorus.common.http.RouteBodies;
import io.chorus.common.error.StorageException;
import io.chorus.common.limits.SharedWriteBudget;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.MessageText;
import io.chorus.common.security.AccessTokenQueryParameter;
import io.chorus.gateway.client.GroupPosts;
import io.chorus.gateway.group.Groups;
import io.chorus.common.message.ChatText;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * POST /api/groups/{group}/messages as a plain Vert.x route, like the streams
 * ({@link StreamRoutes}): a post is the one request every message starts with, and through the
 * REST layer it cost a virtual thread, the resource chain's security, context propagation and
 * serialisation steps, about as much CPU as delivering it to a hundred streams
 * (docs/performance.md). Here it runs on the connection's event loop from the body to the
 * answer; only what may block goes elsewhere: the shared write budget when limits are on, and a
 * membership that memory cannot confirm (both on a worker thread). Same contract as every other
 * write (docs/api.md): authenticate, validate (Bean Validation on {@link PostRequest}, the same
 * constraints and problem+json as the REST layer's), take from the write budget, authorise, then
 * the 201 once history-service has committed the message.
 */
@ApplicationScoped
public class PostRoute {

    private static final Logger LOG = Logger.getLogger(PostRoute.class);
    /** After the HTTP layer's refusals and body reading (common's http.HttpLayerRefusals), before the REST layer. */
    private static final int ORDER = 0;
    /** The message @NotNull gave the REST layer's body parameter: the whole body is missing. */
    private static final String BODY_REQUIRED = "a JSON body {\"text\"} is required";

    private final Vertx vertx;
    private final Groups groups;
    private final GroupPosts posts;
    private final SharedWriteBudget writes;
    private final ObjectMapper mapper;
    private final Validator validator;

    public PostRoute(Vertx vertx, Groups groups, GroupPosts posts, SharedWriteBudget writes, ObjectMapper mapper,
                     Validator validator) {
        this.vertx = vertx;
        this.groups = groups;
        this.posts = posts;
        this.writes = writes;
        this.mapper = mapper;
        this.validator = validator;
    }

    void install(@Observes Router router) {
        router.post("/api/groups/:group/messages").order(ORDER).handler(this::post);
    }

    private void post(RoutingContext context) {
        AccessTokenQueryParameter.promote(context.request());
        Context loop = vertx.getOrCreateContext();
        Future<Buffer> body = RouteBodies.of(context);
        QuarkusHttpUser.getSecurityIdentity(context, null).subscribe().with(
                identity -> onLoop(loop, () -> body.onComplete(read -> onLoop(loop,
                        () -> authenticated(context, loop, identity, read.succeeded() ? read.result() : null)))),
                failure -> onLoop(loop, () -> refuse(context,
                        failure instanceof AuthenticationFailedException ? ProblemException.unauthenticated() : failure)));
    }

    private void authenticated(RoutingContext context, Context loop, SecurityIdentity identity, Buffer body) {
        try {
            if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
                throw ProblemException.unauthenticated();
            }
            String user = token.getName();
            PostRequest request = validated(body);
            String text = MessageText.trimmed(request.text());
            String clientId = ClientId.requireValidOrNull(request.clientId());
            String group = context.pathParam("group");
            Optional<String> known = writes.counts() ? Optional.empty() : groups.knownMembership(group, user);
            if (known.isPresent()) {
                submit(context, loop, new GroupPosts.Post(known.get(), user, text, clientId));
                return;
            }
            // The write budget asks user-service, and a "no" from memory is confirmed in the
            // database: both block, so off the event loop.
            vertx.<String>executeBlocking(() -> {
                writes.take(user);
                return groups.requireMember(group, user);
            }, false).onComplete(member -> onLoop(loop, () -> {
                if (member.failed()) {
                    refuse(context, member.cause());
                } else {
                    submit(context, loop, new GroupPosts.Post(member.result(), user, text, clientId));
                }
            }));
        } catch (RuntimeException e) {
            refuse(context, e);
        }
    }

    /** The body as the REST layer would have read it: JSON, then the record's constraints. */
    private PostRequest validated(Buffer body) {
        PostRequest request;
        try {
            request = body == null || body.length() == 0 ? null : mapper.readValue(body.getBytes(), PostRequest.class);
        } catch (JsonProcessingException e) {
            throw problem(ProblemMappers.unreadable(e));
        } catch (IOException e) {
            throw ProblemException.invalid("the body could not be read");
        }
        if (request == null) {
            throw new ProblemException(400, "Invalid request", BODY_REQUIRED);
        }
        Set<ConstraintViolation<PostRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw problem(ProblemMappers.invalid(violations));
        }
        return request;
    }

    private static ProblemException problem(Problem problem) {
        return new ProblemException(problem.status(), problem.title(), problem.detail());
    }

    private void submit(RoutingContext context, Context loop, GroupPosts.Post post) {
        posts.submit(post).whenComplete((stored, failure) -> onLoop(loop, () -> {
            if (failure != null) {
                refuse(context, GroupPosts.asProblem(failure));
                return;
            }
            HttpServerResponse response = context.response();
            if (response.closed() || response.ended()) {
                return;
            }
            byte[] body;
            try {
                body = mapper.writeValueAsBytes(stored.message());
            } catch (JsonProcessingException e) {
                refuse(context, e);
                return;
            }
            response.setStatusCode(stored.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
                    .end(Buffer.buffer(body));
        }));
    }

    private static void onLoop(Context loop, Runnable task) {
        if (Vertx.currentContext() == loop) {
            task.run();
        } else {
            loop.runOnContext(ignored -> task.run());
        }
    }

    private static void refuse(RoutingContext context, Throwable failure) {
        HttpServerResponse response = context.response();
        if (response.closed() || response.headWritten()) {
            return;
        }
        if (failure instanceof ProblemException problem) {
            RouteProblems.send(response, problem);
        } else if (failure instanceof StorageException) {
            LOG.error("storage failure: " + failure.getMessage(), failure);
            RouteProblems.send(response, ProblemException.storageUnavailable());
        } else {
            LOG.error("a post failed", failure);
            RouteProblems.send(response, 500, "Internal error", "the server failed; the failure is logged");
        }
    }

    /** What a client posts: the text, and optionally its own id for the message (idempotent retries). */
    @RegisterForReflection
    public record PostRequest(@ChatText String text, String clientId) {
    }
}
