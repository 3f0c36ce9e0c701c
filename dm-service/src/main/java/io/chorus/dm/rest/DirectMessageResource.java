package io.chorus.dm.rest;

import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.SharedWriteBudget;
import io.chorus.common.log.Appended;
import io.chorus.common.log.LogFilter;
import io.chorus.common.log.SearchQuery;
import io.chorus.common.message.ChatText;
import io.chorus.common.message.Cursor;
import io.chorus.common.message.DirectMessage;
import io.chorus.common.naming.NameRule;
import io.chorus.common.paging.PageLimit;
import io.chorus.dm.repository.DirectMessageRepository;
import io.chorus.dm.service.Conversation;
import io.chorus.dm.service.DirectMessages;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller's direct messages. Every conversation is the caller's with one peer: the caller
 * comes from the token, never from the path or body, so nobody can read or send as someone else.
 * Every write first takes from the user's one write budget ({@link SharedWriteBudget}); typing does not.
 */
@Path("/api/dms")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@RunOnVirtualThread
public class DirectMessageResource {

    private final DirectMessages directMessages;
    private final DirectMessageRepository messages;
    private final JsonWebToken caller;
    private final SharedWriteBudget writes;

    public DirectMessageResource(DirectMessages directMessages, DirectMessageRepository messages, JsonWebToken caller,
                                 SharedWriteBudget writes) {
        this.directMessages = directMessages;
        this.messages = messages;
        this.caller = caller;
        this.writes = writes;
    }

    /** 201 once committed; a repeated clientId answers 200 with the first message. */
    @POST
    @Path("/{peer}/messages")
    public Response send(@PathParam("peer") String peer,
                         @Valid @NotNull(message = "a JSON body {\"text\"} is required") SendRequest request,
                         @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        writes.take(caller.getName());
        Appended<DirectMessage> sent = directMessages.send(caller.getName(), peer, request.text(), request.clientId(), authorization);
        return Response.status(sent.created() ? 201 : 200).entity(sent.entry()).build();
    }

    /** Only the DM's sender edits it (the peer gets 403); 200 with the DM as it now is. */
    @PATCH
    @Path("/{peer}/messages/{id}")
    public DirectMessage edit(@PathParam("peer") String peer, @PathParam("id") String id,
                              @Valid @NotNull(message = "a JSON body {\"text\"} is required") EditRequest request) {
        writes.take(caller.getName());
        long messageId = Cursor.messageId(id);
        if (!NameRule.isValid(peer)) {
            throw noConversation(peer);
        }
        return directMessages.edit(caller.getName(), peer, messageId, request.text());
    }

    /** Only the DM's sender deletes it; it stays in the conversation as a tombstone. 204, also when already deleted. */
    @DELETE
    @Path("/{peer}/messages/{id}")
    public Response delete(@PathParam("peer") String peer, @PathParam("id") String id) {
        writes.take(caller.getName());
        long messageId = Cursor.messageId(id);
        if (!NameRule.isValid(peer)) {
            throw noConversation(peer);
        }
        directMessages.delete(caller.getName(), peer, messageId);
        return Response.noContent().build();
    }

    /** 204; the marker only moves forward (SPEC). 404 before the conversation has a message. */
    @PUT
    @Path("/{peer}/read")
    public Response markRead(@PathParam("peer") String peer,
                             @NotNull(message = "a JSON body {\"upTo\": <message id>} is required") ReadRequest request) {
        writes.take(caller.getName());
        long upTo = Cursor.upTo(request.upTo());
        if (!NameRule.isValid(peer) || !messages.markRead(caller.getName(), peer, upTo)) {
            throw noConversation(peer);
        }
        return Response.noContent().build();
    }

    /** 204: the peer's streams show that the caller is typing (ephemeral, throttled). */
    @POST
    @Path("/{peer}/typing")
    public Response typing(@PathParam("peer") String peer, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        directMessages.typing(caller.getName(), peer, authorization);
        return Response.noContent().build();
    }

    private static ProblemException noConversation(String peer) {
        return ProblemException.notFound("no conversation with '" + peer + "'");
    }

    /** Newest first; {@code before} takes the lastMessage id of the last conversation already shown. */
    @GET
    public Conversations conversations(@QueryParam("before") String before, @QueryParam("limit") String limit) {
        return new Conversations(messages.conversations(caller.getName(), Cursor.parseOrNull(before, "before"),
                PageLimit.parse(limit)));
    }

    @GET
    @Path("/{peer}/messages")
    public Page history(@PathParam("peer") String peer, @QueryParam("before") String before,
                        @QueryParam("after") String after, @QueryParam("limit") String limit,
                        @QueryParam("q") String q) {
        Long beforeId = Cursor.parseOrNull(before, "before");
        Long afterId = Cursor.parseOrNull(after, "after");
        int pageLimit = PageLimit.parse(limit);
        LogFilter search = SearchQuery.filterOrNull(q);
        if (!NameRule.isValid(peer)) {
            return new Page(List.of());
        }
        return new Page(messages.conversation(caller.getName(), peer, beforeId, afterId, pageLimit, search));
    }

    @RegisterForReflection
    public record SendRequest(@ChatText String text, String clientId) {
    }

    @RegisterForReflection
    public record EditRequest(@ChatText String text) {
    }

    @RegisterForReflection
    public record ReadRequest(Long upTo) {
    }

    @RegisterForReflection
    public record Page(List<DirectMessage> messages) {
    }

    @RegisterForReflection
    public record Conversations(List<Conversation> conversations) {
    }
}
