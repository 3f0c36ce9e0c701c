package io.chorus.user.rest;

import io.chorus.user.service.Accounts;
import io.chorus.user.service.Credentials;
import io.chorus.user.service.LoginThrottle;
import io.chorus.user.service.TokenIssuer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import io.vertx.core.http.HttpServerRequest;

@Path("/api/auth/token")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class TokenResource {

    private final Accounts accounts;
    private final LoginThrottle throttle;

    public TokenResource(Accounts accounts, LoginThrottle throttle) {
        this.accounts = accounts;
        this.throttle = throttle;
    }

    /**
     * The client address is the connection's peer, or the forwarded client where the HTTP layer is
     * told to trust a proxy (quarkus.http.proxy.proxy-address-forwarding, see docs/security.md).
     */
    @POST
    public TokenView logIn(@NotNull(message = UserResource.CredentialsRequest.REQUIRED) UserResource.CredentialsRequest request,
                           @Context HttpServerRequest http) {
        Credentials credentials = request.toCredentials();
        TokenIssuer.AccessToken token = throttle.attempt(credentials.name(), clientAddress(http),
                () -> accounts.logIn(credentials));
        return new TokenView(token.value(), "Bearer", token.expiresInSeconds());
    }

    static String clientAddress(HttpServerRequest http) {
        return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }

    @RegisterForReflection
    public record TokenView(String accessToken, String tokenType, long expiresIn) {

        @Override
        public String toString() {
            return "TokenView[accessToken=<hidden>, tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]";
        }
    }
}
