package io.chorus.user.rest;

import io.chorus.user.service.Accounts;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@RunOnVirtualThread
public class MeResource {

    private final Accounts accounts;
    private final JsonWebToken caller;

    public MeResource(Accounts accounts, JsonWebToken caller) {
        this.accounts = accounts;
        this.caller = caller;
    }

    @GET
    public UserView me() {
        return UserView.of(accounts.find(caller.getName()));
    }
}
