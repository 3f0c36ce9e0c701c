package io.chorus.history.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.Cursor;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.message.MessageText;
import io.chorus.common.naming.NameRule;
import io.chorus.common.paging.PageLimit;
import io.chorus.history.repository.MessageRepository;
import io.chorus.history.service.Append;
import io.chorus.history.service.MessageLog;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
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

    @GET
    @RunOnVirtualThread
    public Page page(@PathParam("group") String group, @QueryParam("before") String before,
                     @QueryParam("after") String after, @QueryParam("limit") String limit) {
        if (!NameRule.isValid(group)) {
            return new Page(List.of());
        }
        return new Page(messages.page(group, Cursor.parseOrNull(before, "before"), Cursor.parseOrNull(after, "after"),
                PageLimit.parse(limit)));
    }

    public record PostRequest(String text, String clientId) {
    }

    public record Page(List<GroupMessage> messages) {
    }
}
