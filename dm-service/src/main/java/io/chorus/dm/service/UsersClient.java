package io.chorus.dm.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** user-service's directory, over HTTP; services never read each other's tables. */
@RegisterRestClient(configKey = "users")
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public interface UsersClient {

    /** Throws a WebApplicationException with the status for any answer but 200 (404 for no such user). */
    @GET
    @Path("/{name}")
    User find(@PathParam("name") String name, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);

    @RegisterForReflection
    record User(String name, Instant createdAt) {
    }
}
