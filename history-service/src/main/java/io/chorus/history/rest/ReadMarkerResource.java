package io.chorus.history.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.message.Cursor;
import io.chorus.common.naming.NameRule;
import io.chorus.history.repository.ReadMarkerRepository;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Read markers and unread counts, for the gateway (which checks membership). The reader is the
 * caller of the forwarded token, never a parameter.
 */
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@RunOnVirtualThread
public class ReadMarkerResource {

    /** More than any one user belongs to; bounds the query. */
    static final int MAX_GROUPS = 1000;

    private final ReadMarkerRepository markers;
    private final JsonWebToken caller;

    public ReadMarkerResource(ReadMarkerRepository markers, JsonWebToken caller) {
        this.markers = markers;
        this.caller = caller;
    }

    /** 204; the marker only moves forward. 404 if the caller never joined the group. */
    @PUT
    @Path("/groups/{group}/read")
    public Response markRead(@PathParam("group") String group,
                             @NotNull(message = "a JSON body {\"upTo\": <message id>} is required") ReadRequest request) {
        long upTo = Cursor.upTo(request.upTo());
        if (!NameRule.isValid(group) || !markers.markRead(group, caller.getName(), upTo)) {
            throw ProblemException.notFound("'" + caller.getName() + "' never joined '" + group + "'");
        }
        return Response.noContent().build();
    }

    /** The caller's unread counts in the named groups ({@code group} repeated). */
    @GET
    @Path("/unread")
    public UnreadCounts unread(@QueryParam("group") List<String> groups) {
        if (groups.size() > MAX_GROUPS) {
            throw ProblemException.invalid("at most " + MAX_GROUPS + " groups at once");
        }
        List<String> valid = groups.stream().filter(NameRule::isValid).toList();
        return new UnreadCounts(valid.isEmpty() ? List.of() : markers.unread(caller.getName(), valid));
    }

    /** {@code upTo}: a message id (a whole number, at least 0). */
    @RegisterForReflection
    public record ReadRequest(Long upTo) {
    }

    @RegisterForReflection
    public record UnreadCounts(List<ReadMarkerRepository.Unread> groups) {
    }
}
