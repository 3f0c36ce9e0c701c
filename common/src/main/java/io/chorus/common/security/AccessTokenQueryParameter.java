package io.chorus.common.security;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Browsers' EventSource cannot set headers, so streams accept {@code ?access_token=} (the
 * RFC 6750 query form). The token is moved into the Authorization header before the (lazy)
 * authentication reads it; an explicit header always wins.
 */
public class AccessTokenQueryParameter {

    static final String PARAMETER = "access_token";
    private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    @ServerRequestFilter(preMatching = true)
    public void promoteToHeader(HttpServerRequest request) {
        promote(request);
    }

    /** Also for routes below the REST layer (the gateway's streams), before they authenticate. */
    public static void promote(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.AUTHORIZATION)) {
            return;
        }
        String token = request.getParam(PARAMETER);
        // Only a token of RFC 6750's token68 characters becomes a header: anything else (a NUL,
        // a line break) is no token, and the header codec would refuse it with an exception (a 500).
        if (token != null && TOKEN68.matcher(token.trim()).matches()) {
            request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token.trim());
        }
    }
}
