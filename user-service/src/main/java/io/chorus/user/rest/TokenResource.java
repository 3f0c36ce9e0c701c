package io.chorus.user.rest;

import io.chorus.user.service.Accounts;
import io.chorus.user.service.TokenIssuer;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/auth/token")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class TokenResource {

    private final Accounts accounts;

    public TokenResource(Accounts accounts) {
        this.accounts = accounts;
    }

    @POST
    public TokenView logIn(UserResource.CredentialsRequest request) {
        TokenIssuer.AccessToken token = accounts.logIn(UserResource.CredentialsRequest.require(request));
        return new TokenView(token.value(), "Bearer", token.expiresInSeconds());
    }

    public record TokenView(String accessToken, String tokenType, long expiresIn) {
    }
}
