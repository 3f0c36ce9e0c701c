package io.chorus.gateway.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.error.RouteProblems;
import io.chorus.common.error.StorageException;
import io.chorus.common.security.AccessTokenQueryParameter;
import io.chorus.gateway.group.Groups;
import io.chorus.gateway.stream.EncodedEvent;
import io.chorus.gateway.stream.LoopWriter;
import io.chorus.gateway.stream.SseFrames;
import io.chorus.gateway.stream.StreamSink;
import io.chorus.gateway.stream.Streams;
import io.chorus.gateway.stream.Subscriber;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * GET /api/groups/{group}/events (one group's live events, members only) and GET /api/events
 * (everything for the caller) as plain Vert.x routes: each stream writes its events' shared
 * bytes straight to its connection, from the connection's own event loop, with no per-event
 * task, pipeline stage or serialisation (see {@link Streams}). Opening one costs the token's
 * verification and lookups in memory; only a membership memory cannot confirm (a group this
 * gateway has not named yet, or a refusal) is asked of the database, on a worker thread.
 * Resume with the Last-Event-ID header or, for clients that cannot set it, ?lastEventId=. A
 * stream ends when the token it was opened with expires; the client reconnects with a fresh one
 * and resumes from its last event id, missing nothing.
 */
@ApplicationScoped
public class StreamRoutes {

    private static final Logger LOG = Logger.getLogger(StreamRoutes.class);
    /** After the HTTP layer's refusals (common's http.HttpLayerRefusals), before the REST layer. */
    private static final int ORDER = 0;

    private final Vertx vertx;
    private final Groups groups;
    private final Streams streams;
    /** One per event loop thread: the streams of a loop are written in one pass. */
    private final Map<Thread, LoopWriter> loops = new ConcurrentHashMap<>();

    public StreamRoutes(Vertx vertx, Groups groups, Streams streams) {
        this.vertx = vertx;
        this.groups = groups;
        this.streams = streams;
    }

    void install(@Observes Router router) {
        router.get("/api/groups/:group/events").order(ORDER).handler(context -> open(context, true));
        router.get("/api/events").order(ORDER).handler(context -> open(context, false));
    }

    private void open(RoutingContext context, boolean groupStream) {
        // Browsers' EventSource cannot set headers: ?access_token= becomes the header first.
        AccessTokenQueryParameter.promote(context.request());
        // The connection's event loop: everything from here on runs there.
        Context loop = vertx.getOrCreateContext();
        QuarkusHttpUser.getSecurityIdentity(context, null).subscribe().with(
                identity -> onLoop(loop, () -> authenticated(context, loop, identity, groupStream)),
                failure -> onLoop(loop, () -> refuse(context,
                        failure instanceof AuthenticationFailedException ? ProblemException.unauthenticated() : failure)));
    }

    private static void onLoop(Context loop, Runnable task) {
        if (Vertx.currentContext() == loop) {
            task.run();
        } else {
            loop.runOnContext(ignored -> task.run());
        }
    }

    private void authenticated(RoutingContext context, Context loopContext, SecurityIdentity identity,
                               boolean groupStream) {
        try {
            if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
                throw ProblemException.unauthenticated();
            }
            long lifeLeftMillis = tokenLifeLeftMillis(token);
            String user = token.getName();
            // The stream needs the name and the expiry only: the parsed token (its claims, the raw
            // JWT) would otherwise stay referenced by the request for the stream's whole life.
            context.clearUser();
            context.remove(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
            boolean self = Boolean.parseBoolean(context.request().getParam("self"));
            String lastEventId = lastEventId(context);
            if (!groupStream) {
                start(context, loopContext, lifeLeftMillis, (sink, loop, onEnd) -> streams.everything(user,
                        groups.groupKeysOf(user), self, lastEventId, sink, loop, onEnd));
                return;
            }
            String group = context.pathParam("group");
            Optional<String> known = groups.knownMembership(group, user);
            if (known.isPresent()) {
                start(context, loopContext, lifeLeftMillis, (sink, loop, onEnd) -> streams.group(user, known.get(), self,
                        lastEventId, sink, loop, onEnd));
                return;
            }
            // Memory cannot say yes: the database says which of 404, 403 or yes, off the event loop.
            vertx.<String>executeBlocking(() -> groups.requireMember(group, user), false)
                    .onComplete(result -> onLoop(loopContext, () -> {
                        if (result.failed()) {
                            refuse(context, result.cause());
                        } else {
                            start(context, loopContext, lifeLeftMillis, (sink, loop, onEnd) ->
                                    streams.group(user, result.result(), self, lastEventId, sink, loop, onEnd));
                        }
                    }));
        } catch (RuntimeException e) {
            refuse(context, e);
        }
    }

    private interface Opening {
        Subscriber open(StreamSink sink, LoopWriter loop, Runnable onEnd);
    }

    /** On the connection's event loop. */
    private void start(RoutingContext context, Context loopContext, long lifeLeftMillis, Opening opening) {
        HttpServerResponse response = context.response();
        if (response.closed()) {
            return;
        }
        LoopWriter loop = loops.computeIfAbsent(Thread.currentThread(),
                thread -> new LoopWriter(task -> loopContext.runOnContext(ignored -> task.run())));
        AtomicReference<Subscriber> opened = new AtomicReference<>();
        long expiry = vertx.setTimer(lifeLeftMillis, id -> {
            Subscriber subscriber = opened.get();
            if (subscriber != null) {
                subscriber.complete();
            }
        });
        try {
            Subscriber subscriber = opening.open(new ResponseSink(response, context.request().connection()), loop,
                    () -> vertx.cancelTimer(expiry));
            opened.set(subscriber);
            response.closeHandler(ignored -> subscriber.closed());
            response.exceptionHandler(ignored -> subscriber.closed());
            if (response.closed()) {
                subscriber.closed();
            }
        } catch (RuntimeException e) {
            vertx.cancelTimer(expiry);
            refuse(context, e);
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
            LOG.error("cannot open a stream", failure);
            RouteProblems.send(response, 500, "Internal error", "the server failed; the failure is logged");
        }
    }

    private static String lastEventId(RoutingContext context) {
        String header = context.request().getHeader("Last-Event-ID");
        String id = header != null && !header.isBlank() ? header : context.request().getParam("lastEventId");
        return id == null || id.isBlank() ? null : id;
    }

    /**
     * How long the caller's token has left. The verifier accepts a token for a little while past
     * its expiry (clock skew between machines); a stream does not: it would only end at once.
     */
    private static long tokenLifeLeftMillis(JsonWebToken token) {
        long secondsLeft = token.getExpirationTime() - Instant.now().getEpochSecond();
        if (secondsLeft <= 0) {
            throw ProblemException.unauthorized("the access token has expired; log in again and resume");
        }
        return secondsLeft * 1000;
    }

    /**
     * A stream's HTTP response, written from its event loop. Once the head is out, a group
     * frame shared by many streams is written as a ready-made chunk straight to the connection's
     * socket side of the HTTP encoder: per stream, that is one write of bytes no one copies,
     * instead of the response's locking, a chunk wrapper, the encoder's three buffers and a
     * promise for each. Only where nothing behind the encoder transforms the bytes (no
     * compression, no chunked-file writer, HTTP/1.1); anywhere else every frame takes the
     * response's own path. A stream's own frames (several joined, an everything-stream's) go the
     * same direct way as one chunk of their own. The head, heartbeats and the end always take the
     * response's path: the connection's idle timer and its bookkeeping see those writes.
     */
    private static final class ResponseSink implements StreamSink {

        private final HttpServerResponse response;
        private final HttpConnection connection;
        /** Where frames enter the pipeline past the HTTP encoder; null until the head is written, or for good. */
        private ChannelHandlerContext direct;

        ResponseSink(HttpServerResponse response, HttpConnection connection) {
            this.response = response;
            this.connection = connection;
        }

        @Override
        public void open(Buffer first) {
            response.setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            // Frames may skip the encoder only once the head is on the connection before them.
            response.write(first != null ? first : Buffer.buffer(), written -> {
                if (written.succeeded()) {
                    direct = pastTheEncoder(connection);
                }
            });
        }

        @Override
        public void write(Buffer frames) {
            ChannelHandlerContext context = direct;
            if (context == null) {
                writeHeartbeat(frames);
            } else if (context.channel().isActive()) {
                context.writeAndFlush(SseFrames.heapChunk(frames).getByteBuf(), context.voidPromise());
            }
        }

        @Override
        public void writeShared(EncodedEvent event) {
            ChannelHandlerContext context = direct;
            if (context == null) {
                writeHeartbeat(event.groupFrame());
            } else if (context.channel().isActive()) {
                context.writeAndFlush(event.groupChunk().getByteBuf(), context.voidPromise());
            }
        }

        @Override
        public void writeHeartbeat(Buffer frames) {
            if (!response.closed()) {
                response.write(frames, null);
            }
        }

        @Override
        public boolean writeQueueFull() {
            ChannelHandlerContext context = direct;
            return context != null ? !context.channel().isWritable() : response.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable then) {
            response.drainHandler(ignored -> then.run());
        }

        @Override
        public void end() {
            if (!response.closed() && !response.ended()) {
                response.end();
            }
        }

        @Override
        public void abandon() {
            // HTTP/1.1: closes the connection, and with it what waits in its buffers.
            if (!response.closed()) {
                response.reset();
            }
        }

        /** The HTTP/1.1 encoder's place, if nothing between it and the socket would mind raw chunks. */
        private static ChannelHandlerContext pastTheEncoder(HttpConnection connection) {
            if (!(connection instanceof ConnectionBase base)) {
                return null;
            }
            ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
            if (pipeline.get("deflater") != null || pipeline.get("chunkedWriter") != null) {
                return null;
            }
            return pipeline.context("httpEncoder");
        }
    }
}
