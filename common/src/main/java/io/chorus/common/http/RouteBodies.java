package io.chorus.common.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's body for a route that answers below the REST layer. Over HTTP/1.x the HTTP layer's
 * body handler has read it already ({@link HttpLayerRefusals}, within the size limit and the body
 * budget); over HTTP/2 (a client that upgraded with h2c) that handler steps aside, and the body is
 * read here, capped by Quarkus' own limit as the REST layer's would be. Call it when the route is
 * entered, before any asynchronous step, so no part of the body goes by unread.
 */
public final class RouteBodies {

    private RouteBodies() {
    }

    /** The body (empty when there is none); a body that cannot be read fails the future. */
    public static Future<Buffer> of(RoutingContext context) {
        Buffer read = context.body().buffer();
        if (read != null) {
            return Future.succeededFuture(read);
        }
        if (context.request().isEnded()) {
            return Future.succeededFuture(Buffer.buffer());
        }
        // The router hands a request over paused (the REST layer resumes it when it reads): read
        // it, then let it flow.
        Future<Buffer> body = context.request().body();
        context.request().resume();
        return body;
    }
}
