package io.chorus.user.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.WritePermit;
import io.chorus.common.naming.NameRule;
import io.chorus.user.service.WriteBudget;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Every user's one write budget (SPEC Limits), for the services that take writes: the gateways
 * and dm-service take one permit here before each write, whichever replica the write reached.
 * They verified the caller; the internal credential lets them name the user.
 */
@Path("/internal/write-budget")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class WriteBudgetResource {

    private final WriteBudget budget;

    public WriteBudgetResource(WriteBudget budget) {
        this.budget = budget;
    }

    /** Always 200: a refusal is an answer ({@code granted: false}), which the caller turns into its 429. */
    @POST
    @Path("/{user}")
    public WritePermit take(@PathParam("user") String user) {
        if (!NameRule.isValid(user)) {
            throw ProblemException.invalid("'" + user + "' is not a user name");
        }
        return budget.take(user);
    }
}
