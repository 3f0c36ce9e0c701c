package io.chorus.common.error;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a declared body over 64 KiB with a 413 problem document, before it is read. The HTTP
 * layer's own cap (quarkus.http.limits.max-body-size, set higher) still stops bodies that declare
 * no length, but it answers with an empty 413; this filter gives clients the usual problem+json.
 * 64 KiB holds the longest valid message (4,096 characters of up to 4 bytes, JSON-escaped) with room.
 */
public class BodySizeLimit {

    public static final long MAX_BYTES = 64 * 1024;

    @ServerRequestFilter(preMatching = true)
    public void refuseLargeBodies(HttpServerRequest request) {
        String length = request.headers().get(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("Content-Length is not a number");
        }
        if (declared > MAX_BYTES) {
            throw new ProblemException(413, "Content too large",
                    "the body has " + declared + " bytes; at most " + MAX_BYTES + " are accepted");
        }
    }
}
