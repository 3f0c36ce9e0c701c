package io.chorus.user.rest;

import io.chorus.user.service.Accounts;
import io.chorus.user.service.Credentials;
import io.chorus.user.service.RegistrationThrottle;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;

@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class UserResource {

    private final Accounts accounts;
    private final RegistrationThrottle throttle;

    public UserResource(Accounts accounts, RegistrationThrottle throttle) {
        this.accounts = accounts;
        this.throttle = throttle;
    }

    /** The client address as for logins (TokenResource): the peer, or the forwarded client behind a trusted proxy. */
    @POST
    public Response register(@NotNull(message = CredentialsRequest.REQUIRED) CredentialsRequest request,
                             @Context HttpServerRequest http) {
        UserView created = UserView.of(throttle.register(TokenResource.clientAddress(http),
                () -> accounts.register(request.toCredentials())));
        return Response.created(URI.create("/api/users/" + created.name())).entity(created).build();
    }

    @GET
    @Path("/{name}")
    @Authenticated
    public UserView find(@PathParam("name") String name) {
        return UserView.of(accounts.find(name));
    }

    @GET
    @Authenticated
    public DirectoryView directory(@QueryParam("prefix") String prefix, @QueryParam("after") String after,
                                   @QueryParam("limit") String limit) {
        return DirectoryView.of(accounts.directory(prefix, after, limit));
    }

    /** The JSON body of registration and login. */
    @RegisterForReflection
    public record CredentialsRequest(String name, String password) {

        static final String REQUIRED = "a JSON body {\"name\", \"password\"} is required";

        Credentials toCredentials() {
            return new Credentials(name, password);
        }

        @Override
        public String toString() {
            return "CredentialsRequest[name=" + name + ", password=<hidden>]";
        }
    }
}
