package io.chorus.history.rest;

import io.chorus.common.log.LogEntries;
import io.chorus.common.log.LogPosition;
import io.chorus.common.log.LogQuery;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.naming.NameRule;
import io.chorus.history.repository.MessageRepository;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The whole group log, every kind of entry, read by gateways: to fill a gap the bus left, to
 * replay what a resuming subscriber missed across all its groups, and (membership only) to
 * rebuild who belongs where at start. The same contract as dm-service's {@code /internal/dms}.
 */
@Path("/internal/messages")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
public class LogResource {

    private final MessageRepository messages;

    public LogResource(MessageRepository messages) {
        this.messages = messages;
    }

    /**
     * Entries after {@code after}, oldest first: of the named groups (any number of {@code group}),
     * or of every group with {@code all=true}; only joins and leaves with {@code membership=true};
     * with {@code bytes}, no more text than that and one entry (a resuming stream's page).
     */
    @GET
    public LogEntries<GroupLogEntry> after(@QueryParam("after") String after, @QueryParam("group") List<String> groups,
                                           @QueryParam("all") boolean all, @QueryParam("membership") boolean membership,
                                           @QueryParam("limit") String limit, @QueryParam("bytes") String bytes) {
        LogQuery query = LogQuery.parse(after, limit, bytes, all, !groups.isEmpty(), "group");
        // A name no group can have (a NUL, say, which PostgreSQL refuses in text) names no entry.
        List<String> named = groups.stream().filter(NameRule::isValid).toList();
        if (!query.all() && named.isEmpty()) {
            return new LogEntries<>(List.of());
        }
        return new LogEntries<>(messages.after(query.after(), query.all() ? null : named, membership, query.limit(),
                query.bytes()));
    }

    @GET
    @Path("/head")
    public LogPosition head() {
        return new LogPosition(messages.head());
    }
}
