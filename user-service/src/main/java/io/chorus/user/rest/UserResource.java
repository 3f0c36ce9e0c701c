package io.chorus.user.rest;

import io.chorus.user.service.Accounts;
import io.chorus.user.service.Credentials;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class UserResource {

    private final Accounts accounts;

    public UserResource(Accounts accounts) {
        this.accounts = accounts;
    }

    @POST
    public Response register(@NotNull(message = CredentialsRequest.REQUIRED) CredentialsRequest request) {
        UserView created = UserView.of(accounts.register(request.toCredentials()));
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
