package io.chorus.common.limits;

import io.chorus.common.security.InternalCredential;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * user-service's write budget (its {@code /internal/write-budget}), at {@code quarkus.rest-client.write-budget.url}
 * (which the services set to {@code quarkus.rest-client.users.url}, QUARKUS_REST_CLIENT_USERS_URL in a
 * deployment), with timeouts of its own: a write waits on this call.
 */
@ClientHeaderParam(name = InternalCredential.HEADER, value = "${chorus.internal.credential}")
@RegisterRestClient(configKey = "write-budget")
@Path("/internal/write-budget")
@Produces(MediaType.APPLICATION_JSON)
public interface WriteBudgetClient {

    /** Takes one write from the user's budget; any answer but 200 throws (a WebApplicationException). */
    @POST
    @Path("/{user}")
    WritePermit take(@PathParam("user") String user);
}
