package io.chorus.common.error;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Problem documents for the routes that answer below the REST layer (the HTTP layer's refusals,
 * the gateway's live streams): the same body and Retry-After as {@link ProblemMappers} give.
 */
public final class RouteProblems {

    private RouteProblems() {
    }

    public static void send(HttpServerResponse response, int status, String title, String detail) {
        JsonObject problem = new JsonObject()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(problem.encode());
    }

    public static void send(HttpServerResponse response, ProblemException e) {
        long retryAfter = e.retryAfterHeader();
        if (retryAfter > 0) {
            response.putHeader("Retry-After", String.valueOf(retryAfter));
        }
        if (e.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        send(response, e.status(), e.title(), e.getMessage());
    }
}
