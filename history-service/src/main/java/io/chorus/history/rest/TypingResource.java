package io.chorus.history.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import io.chorus.history.service.GroupTyping;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A member typing in a group, for the gateway (which checks membership): published on the bus,
 * never stored. The member is the caller of the forwarded token.
 */
@Path("/internal/groups/{group}/typing")
@Authenticated
public class TypingResource {

    private final GroupTyping typing;
    private final JsonWebToken caller;

    public TypingResource(GroupTyping typing, JsonWebToken caller) {
        this.typing = typing;
        this.caller = caller;
    }

    /** 204 whether published or dropped by the throttle: either way the client has nothing to do. */
    @POST
    public Response typing(@PathParam("group") String group) {
        if (!NameRule.isValid(group)) {
            throw ProblemException.notFound("no group named '" + group + "'");
        }
        typing.announce(group, caller.getName());
        return Response.noContent().build();
    }
}
