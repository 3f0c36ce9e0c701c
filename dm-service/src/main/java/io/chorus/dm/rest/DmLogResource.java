package io.chorus.dm.rest;

import io.chorus.common.log.LogEntries;
import io.chorus.common.log.LogPosition;
import io.chorus.common.log.LogQuery;
import io.chorus.common.message.DmLogEntry;
import io.chorus.common.naming.NameRule;
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
 * subscriber missed, and to fill a gap the bus left. The same contract as history-service's
 * {@code /internal/messages}.
 */
@Path("/internal/dms")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class DmLogResource {

    private final DirectMessageRepository messages;

    public DmLogResource(DirectMessageRepository messages) {
        this.messages = messages;
    }

    /** Entries (DMs, their edits and deletes) after {@code after}, oldest first: those {@code user} sent or received, or every one with {@code all=true}. */
    @GET
    public LogEntries<DmLogEntry> after(@QueryParam("after") String after, @QueryParam("user") String user,
                                           @QueryParam("all") boolean all, @QueryParam("limit") String limit,
                                           @QueryParam("bytes") String bytes) {
        LogQuery query = LogQuery.parse(after, limit, bytes, all, user != null && !user.isBlank(), "user");
        if (!query.all() && !NameRule.isValid(user)) {
            // No such name can have sent or received anything.
            return new LogEntries<>(List.of());
        }
        return new LogEntries<>(messages.after(query.after(), query.all() ? null : user, query.limit(), query.bytes()));
    }

    @GET
    @Path("/head")
    public LogPosition head() {
        return new LogPosition(messages.head());
    }
}
