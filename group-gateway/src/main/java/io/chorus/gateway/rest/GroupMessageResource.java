package io.chorus.gateway.rest;

import io.chorus.common.limits.SharedWriteBudget;
import io.chorus.common.message.ChatText;
import io.chorus.common.message.Cursor;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.message.MessageText;
import io.chorus.gateway.client.HistoryClient;
import io.chorus.gateway.client.Upstream;
import io.chorus.gateway.group.Groups;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Editing, deleting and reading group messages: members only. Posting is {@link PostRoute}, a
 * route of its own below the REST layer (it is the hot path). history-service stores every change;
 * its answer, after commit, becomes ours. Every write first takes from the user's one write
 * budget ({@link SharedWriteBudget}), before anything is checked or changed.
 */
@Path("/api/groups/{group}/messages")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@RunOnVirtualThread
public class GroupMessageResource {

    private final Groups groups;
    private final HistoryClient history;
    private final JsonWebToken caller;
    private final SharedWriteBudget writes;

    public GroupMessageResource(Groups groups, @RestClient HistoryClient history, JsonWebToken caller,
                                SharedWriteBudget writes) {
        this.groups = groups;
        this.history = history;
        this.caller = caller;
        this.writes = writes;
    }

    /** Only the sender edits, while a member; history-service decides against the committed log. */
    @PATCH
    @Path("/{id}")
    public GroupMessage edit(@PathParam("group") String group, @PathParam("id") String id,
                             @Valid @NotNull(message = "a JSON body {\"text\"} is required") EditRequest request) {
        writes.take(caller.getName());
        String target = groups.requireMember(group, caller.getName());
        long messageId = Cursor.messageId(id);
        HistoryClient.EditRequest edit = new HistoryClient.EditRequest(MessageText.trimmed(request.text()));
        return Upstream.call("history-service", () -> history.edit(target, messageId, edit, bearer()));
    }

    /** Its sender or the group's owner deletes a message; it stays in history as a tombstone. */
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("group") String group, @PathParam("id") String id) {
        writes.take(caller.getName());
        String target = groups.requireMember(group, caller.getName());
        long messageId = Cursor.messageId(id);
        boolean asOwner = groups.isOwner(target, caller.getName());
        Upstream.call("history-service", () -> {
            history.delete(target, messageId, asOwner, bearer());
            return null;
        });
        return Response.noContent().build();
    }

    @GET
    public HistoryClient.Page history(@PathParam("group") String group, @QueryParam("before") String before,
                                      @QueryParam("after") String after, @QueryParam("limit") String limit,
                                      @QueryParam("q") String q) {
        String target = groups.requireMember(group, caller.getName());
        return Upstream.call("history-service", () -> history.page(target, before, after, limit, q));
    }

    /** history-service takes the editor from the token (however it reached us: header or ?access_token=). */
    private String bearer() {
        return "Bearer " + caller.getRawToken();
    }

    @RegisterForReflection
    public record EditRequest(@ChatText String text) {
    }
}
