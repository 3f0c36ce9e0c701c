package io.chorus.history.rest;

import io.chorus.common.message.Cursor;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.paging.PageLimit;
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
 * rebuild who belongs where at start.
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
     * Entries after {@code after}, oldest first; only the named groups when any {@code group} is
     * given; only joins and leaves with {@code membership=true}.
     */
    @GET
    public Entries after(@QueryParam("after") String after, @QueryParam("group") List<String> groups,
                         @QueryParam("all") boolean all, @QueryParam("membership") boolean membership,
                         @QueryParam("limit") String limit) {
        Long position = Cursor.parseOrNull(after, "after");
        return new Entries(messages.after(position == null ? 0 : position, all ? null : groups, membership,
                PageLimit.parse(limit, GroupHistoryResource.DEFAULT_LIMIT, GroupHistoryResource.MAX_LIMIT)));
    }

    @GET
    @Path("/head")
    public Head head() {
        return new Head(messages.head());
    }

    public record Head(long position) {
    }

    public record Entries(List<GroupLogEntry> entries) {
    }
}
