package io.chorus.dm.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.message.Cursor;
import io.chorus.common.naming.NameRule;
import io.chorus.common.paging.PageLimit;
import io.chorus.dm.repository.DirectMessageRepository;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The whole DM log, read by gateways (not on the public paths): to replay what a resuming
 * subscriber missed, and to fill a gap the bus left.
 */
@Path("/internal/dms")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class DmLogResource {

    private final DirectMessageRepository messages;

    public DmLogResource(DirectMessageRepository messages) {
        this.messages = messages;
    }

    /** DMs after {@code after}, oldest first: those {@code user} sent or received, or every one with {@code all=true}. */
    @GET
    public DirectMessageResource.Page after(@QueryParam("after") String after, @QueryParam("user") String user,
                                            @QueryParam("all") boolean all, @QueryParam("limit") String limit) {
        Long position = Cursor.parseOrNull(after, "after");
        int pageLimit = PageLimit.parse(limit, DirectMessageResource.DEFAULT_LIMIT, DirectMessageResource.MAX_LIMIT);
        if (!all && (user == null || user.isBlank())) {
            throw ProblemException.invalid("name a user, or ask for all=true");
        }
        if (!all && !NameRule.isValid(user)) {
            return new DirectMessageResource.Page(List.of());
        }
        return new DirectMessageResource.Page(messages.after(position == null ? 0 : position, all ? null : user,
                pageLimit));
    }

    @GET
    @Path("/head")
    public Head head() {
        return new Head(messages.head());
    }

    public record Head(long position) {
    }
}
