package io.chorus.common.http;

import io.chorus.common.error.RouteProblems;
import io.chorus.common.limits.BodyLimits;
import io.chorus.common.naming.NameRule;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Request bodies are at most 64 KiB (SPEC), however they are sent: with a declared length or
 * chunked. Vert.x's body handler, first on every route, reads the body up to that size (the
 * REST layer then reads it from memory) and fails the request with 413 past it; the failure
 * handler turns that and any other refusal the HTTP layer makes on its own into the problem
 * document every other refusal has. The rest of an oversized body is read and thrown away, so
 * the client gets its answer instead of a reset connection. 64 KiB holds the longest valid
 * message (4,096 characters, JSON-escaped: {@link BodyLimits#LONGEST_TEXT_JSON}) with room.
 *
 * <p>Paths under /internal/ may take more: as much as the service's own
 * {@code quarkus.http.limits.max-body-size} allows (Quarkus has one per server). Only
 * history-service raises it, for the gateway's batches of posts ({@link BodyLimits#INTERNAL});
 * every public path keeps 64 KiB whatever it says.
 */
@ApplicationScoped
public class HttpLayerRefusals {

    public static final long MAX_BODY_BYTES = BodyLimits.PUBLIC;
    /** Quarkus's own size check runs at order -2; this must come first. */
    private static final int ORDER = -3;
    private static final String INTERNAL_PATHS = "/internal/";
    private static final String BODY_TIMER = "chorus.body-timer";

    private final BodyBudget budget;
    private final long timeoutMillis;
    private final JWTParser tokens;
    private final Vertx vertx;

    public HttpLayerRefusals(BodyReadingConfig config, JWTParser tokens, Vertx vertx) {
        long memory = config.memory().map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 8);
        this.budget = new BodyBudget(memory, config.perSender().asLongValue());
        this.timeoutMillis = Math.max(1, config.timeout().toMillis());
        this.tokens = tokens;
        this.vertx = vertx;
    }

    void install(@Observes Router router) {
        long internal = Math.max(MAX_BODY_BYTES, ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(MAX_BODY_BYTES));
        // Any method: a declared length over the limit, or a form, is refused before anything is read.
        router.route().order(ORDER - 1).handler(context -> screen(context, limit(context, internal)));
        // Only where a body belongs: on a GET (a live stream above all) the handler would turn the
        // client going away into a routing failure.
        BodyHandler publicBodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        BodyHandler internalBodies = BodyHandler.create(false).setBodyLimit(internal);
        router.route().order(ORDER).method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH)
                .method(HttpMethod.DELETE).handler(context -> {
                    long limit = limit(context, internal);
                    readBody(limit > MAX_BODY_BYTES ? internalBodies : publicBodies, context, limit);
                })
                .handler(this::emptyBodyIsABody);
        router.route().order(ORDER - 1).failureHandler(context -> asProblem(context, limit(context, internal)));
    }

    /** The body limit of the request's path: the public one, or the internal one under /internal/. */
    private static long limit(RoutingContext context, long internal) {
        // The normalised path, as routing sees it: "/internal/../api/..." is a public path.
        String path = context.normalizedPath();
        return path != null && path.startsWith(INTERNAL_PATHS) ? internal : MAX_BODY_BYTES;
    }

    static void screen(RoutingContext context, long limit) {
        String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && (type.regionMatches(true, 0, "multipart/", 0, 10)
                || type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33))) {
            // The API takes JSON only; the body handler would otherwise decode forms (and fail on their own limits).
            context.request().handler(ignored -> { });
            respond(context, 415, "Unsupported media type", "this API takes application/json bodies, not forms");
            return;
        }
        if (type != null && carriesBody(context.request().method()) && !isJson(type)) {
            // The REST layer answers some of these (an empty text/plain body) with a bare 400 and
            // no problem document; every body here is JSON, so refuse the others alike, at once.
            context.request().handler(ignored -> { });
            respond(context, 415, "Unsupported media type", "this API takes application/json bodies, not " + type.strip());
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared <= limit) {
            context.next();
            return;
        }
        // Read and drop what the client sends anyway: it gets this answer, not a reset connection.
        context.request().handler(ignored -> { });
        respond(context, 413, "Content too large",
                "the body has " + declared + " bytes; at most " + limit + " are accepted");
    }

    private static boolean carriesBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    /** application/json (any parameters), a +json type, or any type at all. */
    private static boolean isJson(String contentType) {
        String type = contentType.split("[;,]", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json") || type.equals("*/*") || type.isEmpty();
    }

    /**
     * HTTP/1.x only: the REST layer pauses the request it reads, and an HTTP/2 request that was
     * read already refuses to pause. HTTP/2 has no chunked encoding; a body without a length
     * there is capped by Quarkus's own limit (the same 64 KiB), whose 413 has no problem body.
     */
    private void readBody(BodyHandler bodies, RoutingContext context, long limit) {
        if (context.request().version() == HttpVersion.HTTP_2) {
            context.next();
            return;
        }
        long declared = declaredLength(context);
        // Internal callers (the gateway's batches) count against the process only: they are few, and known.
        String sender = limit > MAX_BODY_BYTES ? null : sender(context);
        BodyBudget.Outcome outcome = budget.take(sender, declared >= 0 ? declared : limit);
        if (outcome.taken() == null) {
            context.request().handler(ignored -> { });
            context.response().putHeader("Retry-After", "1");
            if (outcome.refusal() == BodyBudget.Refusal.SENDER_FULL) {
                respond(context, 429, "Too many requests",
                        "you are sending as many request bodies at once as one sender may; wait for their answers");
            } else {
                respond(context, 503, "Service unavailable",
                        "this server is reading as many request bodies as it can hold; retry in a moment");
            }
            return;
        }
        context.addEndHandler(ignored -> outcome.taken().giveBack());
        // A body that never completes would hold its bytes and its connection for good.
        long timer = vertx.setTimer(timeoutMillis, id -> {
            if (!context.request().isEnded() && !context.response().ended() && !context.response().closed()) {
                context.request().handler(ignored -> { });
                respond(context, 408, "Request timeout", "the body did not arrive within " + timeoutMillis + " ms");
                context.request().connection().close();
            }
        });
        context.put(BODY_TIMER, timer);
        bodies.handle(context);
    }

    private static long declaredLength(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whose body this is: the user of a valid bearer token (verified tokens are remembered, so the
     * REST layer's own check costs nothing more), else the client's address.
     */
    private String sender(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            try {
                String name = tokens.parse(authorization.substring(7).strip()).getName();
                if (name != null) {
                    return "user:" + NameRule.key(name);
                }
            } catch (ParseException | RuntimeException e) {
                // Not a valid token: the REST layer answers 401; meanwhile it counts as its address.
            }
        }
        return "address:" + context.request().remoteAddress().host();
    }

    /**
     * The body handler leaves an empty body unset, and the REST layer would then wait to read one
     * from a request that has ended; an empty buffer makes it "no body", a clear 400.
     */
    void emptyBodyIsABody(RoutingContext context) {
        Long timer = context.get(BODY_TIMER);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        if (context.request().version() != HttpVersion.HTTP_2 && context.body().buffer() == null) {
            context.setBody(Buffer.buffer());
        }
        context.next();
    }

    static void asProblem(RoutingContext context, long limit) {
        int status = context.statusCode();
        // 4xx refusals of the HTTP layer (too large, an undecodable form) come as a status, with or
        // without a cause; anything else (a closed connection, a bug) is Quarkus's to report.
        if (status < 400 || status >= 500 || context.response().headWritten() || context.response().closed()) {
            context.next();
            return;
        }
        if (status == 413) {
            context.request().handler(ignored -> { });
        }
        if (status == 413) {
            respond(context, 413, "Content too large", "the body is larger than " + limit
                    + " bytes, the most accepted");
        } else {
            respond(context, status, HttpResponseStatus.valueOf(status).reasonPhrase(),
                    "the request could not be read: " + (context.failure() == null ? "it is malformed"
                            : context.failure().getMessage()));
        }
    }

    private static void respond(RoutingContext context, int status, String title, String detail) {
        RouteProblems.send(context.response(), status, title, detail);
    }
}
