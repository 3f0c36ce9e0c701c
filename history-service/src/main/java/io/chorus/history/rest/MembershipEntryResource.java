package io.chorus.history.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import io.chorus.history.service.Append;
import io.chorus.history.service.MessageLog;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Joins and leaves, appended to the group log by the gateway (which owns the groups and checks
 * that the group exists) through the same group commit as messages. The member is the caller of
 * the forwarded token. 201 with the entry once committed: its id is where the change applies.
 */
@Path("/internal/groups/{group}/members/me")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class MembershipEntryResource {

    private final MessageLog log;
    private final JsonWebToken caller;

    public MembershipEntryResource(MessageLog log, JsonWebToken caller) {
        this.log = log;
        this.caller = caller;
    }

    @PUT
    public Uni<Response> join(@PathParam("group") String group) {
        return append(group, true);
    }

    @DELETE
    public Uni<Response> leave(@PathParam("group") String group) {
        return append(group, false);
    }

    private Uni<Response> append(String group, boolean joined) {
        if (!NameRule.isValid(group)) {
            throw ProblemException.notFound("no group named '" + group + "'");
        }
        Append append = Append.membership(group, caller.getName(), joined);
        return Uni.createFrom().completionStage(() -> log.append(append))
                .map(appended -> Response.status(201).entity(appended.entry()).build());
    }
}
