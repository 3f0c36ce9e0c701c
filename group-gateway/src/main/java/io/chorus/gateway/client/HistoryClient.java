package io.chorus.gateway.client;

import io.chorus.common.log.LogEntries;
import io.chorus.common.log.LogPosition;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import io.chorus.common.security.InternalCredential;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** history-service's internal API: the group log (its batches of posts go by {@link HistoryPostCalls}). */
@ClientHeaderParam(name = InternalCredential.HEADER, value = "${chorus.internal.credential}")
@RegisterRestClient(configKey = "history")
@Path("/internal")
public interface HistoryClient {

    /** A join of the token's caller, appended to the group log; answered once committed. */
    @PUT
    @Path("/groups/{group}/members/me")
    GroupLogEntry join(@PathParam("group") String group, @HeaderParam("Authorization") String authorization);

    @DELETE
    @Path("/groups/{group}/members/me")
    GroupLogEntry leave(@PathParam("group") String group, @HeaderParam("Authorization") String authorization);

    /** The token's caller edits a message of the group; answered with it as it now is, once committed. */
    @PATCH
    @Path("/groups/{group}/messages/{id}")
    GroupMessage edit(@PathParam("group") String group, @PathParam("id") long id, EditRequest edit,
                      @HeaderParam("Authorization") String authorization);

    /** The token's caller deletes a message; {@code asOwner}: this gateway found them to own the group. */
    @DELETE
    @Path("/groups/{group}/messages/{id}")
    void delete(@PathParam("group") String group, @PathParam("id") long id, @QueryParam("asOwner") boolean asOwner,
                @HeaderParam("Authorization") String authorization);

    /** Moves the token's caller's read marker in the group forward. */
    @PUT
    @Path("/groups/{group}/read")
    void markRead(@PathParam("group") String group, ReadRequest read, @HeaderParam("Authorization") String authorization);

    /** The token's caller is typing in the group: history-service publishes it to every gateway. */
    @POST
    @Path("/groups/{group}/typing")
    void typing(@PathParam("group") String group, @HeaderParam("Authorization") String authorization);

    /** The token's caller's unread counts in these groups. */
    @GET
    @Path("/unread")
    UnreadCounts unread(@QueryParam("group") List<String> groups, @HeaderParam("Authorization") String authorization);

    @GET
    @Path("/groups/{group}/messages")
    Page page(@PathParam("group") String group, @QueryParam("before") String before,
              @QueryParam("after") String after, @QueryParam("limit") String limit, @QueryParam("q") String q);

    @GET
    @Path("/messages")
    Uni<LogEntries<GroupLogEntry>> afterIn(@QueryParam("after") long after, @QueryParam("group") List<String> groups,
                         @QueryParam("limit") int limit, @QueryParam("bytes") int bytes);

    @GET
    @Path("/messages")
    LogEntries<GroupLogEntry> afterInAll(@QueryParam("after") long after, @QueryParam("all") boolean all,
                       @QueryParam("membership") boolean membershipOnly, @QueryParam("limit") int limit);

    @GET
    @Path("/messages/head")
    LogPosition head();

    @RegisterForReflection
    record EditRequest(String text) {
    }

    @RegisterForReflection
    record ReadRequest(long upTo) {
    }

    /** One group's count for the caller: others' messages after their marker (or their join). */
    @RegisterForReflection
    record Unread(String groupKey, long unread, Long lastRead) {
    }

    @RegisterForReflection
    record UnreadCounts(List<Unread> groups) {
    }

    /** 201 or 200 (a repeated clientId) with the message; otherwise a problem's status, title and detail. */
    @RegisterForReflection
    record PostResult(int status, GroupMessage message, String title, String detail) {
    }

    @RegisterForReflection
    record PostResults(List<PostResult> results) {
    }

    @RegisterForReflection
    record Page(List<GroupMessage> messages) {
    }

}
