package io.chorus.history.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.log.LogFilter;
import io.chorus.common.log.SearchQuery;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.Cursor;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.message.MessageText;
import io.chorus.common.naming.NameRule;
import io.chorus.common.paging.PageLimit;
import io.chorus.history.repository.MessageRepository;
import io.chorus.history.service.Append;
import io.chorus.history.service.MessageLog;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * History of one group, for the gateway only (not on the public paths). The gateway checks
 * membership; the sender is the caller of the forwarded token, never a body field.
 */
@Path("/internal/groups/{group}/messages")
@Produces(MediaType.APPLICATION_JSON)
public class GroupHistoryResource {

    private final MessageLog log;
    private final MessageRepository messages;
    private final JsonWebToken caller;

    public GroupHistoryResource(MessageLog log, MessageRepository messages, JsonWebToken caller) {
        this.log = log;
        this.messages = messages;
        this.caller = caller;
    }

    /** 201 once committed; a repeated clientId answers 200 with the first message. */
    @POST
    @Authenticated
    public Uni<Response> append(@PathParam("group") String group,
                                @NotNull(message = "a JSON body {\"text\"} is required") PostRequest request) {
        if (!NameRule.isValid(group)) {
            throw ProblemException.notFound("no group named '" + group + "'");
        }
        Append append = Append.message(group, caller.getName(), MessageText.require(request.text()),
                ClientId.requireValidOrNull(request.clientId()));
        return Uni.createFrom().completionStage(() -> log.append(append))
                .map(appended -> Response.status(appended.created() ? 201 : 200).entity(appended.entry().message()).build());
    }

    /** 200 with the message as it now is; the editor is the caller of the forwarded token. */
    @PATCH
    @Path("/{id}")
    @Authenticated
    @RunOnVirtualThread
    public GroupMessage edit(@PathParam("group") String group, @PathParam("id") String id,
                             @NotNull(message = "a JSON body {\"text\"} is required") EditRequest request) {
        requireGroupName(group);
        return log.edit(group, Cursor.messageId(id), caller.getName(), MessageText.require(request.text())).message();
    }

    /**
     * 204, also when the message was deleted already. {@code asOwner}: the gateway, which owns
     * the groups, found the caller to be this group's owner, who may delete any message.
     */
    @DELETE
    @Path("/{id}")
    @Authenticated
    @RunOnVirtualThread
    public Response delete(@PathParam("group") String group, @PathParam("id") String id,
                           @QueryParam("asOwner") boolean asOwner) {
        requireGroupName(group);
        log.delete(group, Cursor.messageId(id), caller.getName(), asOwner);
        return Response.noContent().build();
    }

    @GET
    @RunOnVirtualThread
    public Page page(@PathParam("group") String group, @QueryParam("before") String before,
                     @QueryParam("after") String after, @QueryParam("limit") String limit,
                     @QueryParam("q") String q) {
        Long beforeId = Cursor.parseOrNull(before, "before");
        Long afterId = Cursor.parseOrNull(after, "after");
        int pageLimit = PageLimit.parse(limit);
        LogFilter search = SearchQuery.filterOrNull(q);
        if (!NameRule.isValid(group)) {
            return new Page(List.of());
        }
        return new Page(messages.page(group, beforeId, afterId, pageLimit, search));
    }

    private static void requireGroupName(String group) {
        if (!NameRule.isValid(group)) {
            throw ProblemException.notFound("no group named '" + group + "'");
        }
    }

    @RegisterForReflection
    public record PostRequest(String text, String clientId) {
    }

    @RegisterForReflection
    public record EditRequest(String text) {
    }

    @RegisterForReflection
    public record Page(List<GroupMessage> messages) {
    }
}
