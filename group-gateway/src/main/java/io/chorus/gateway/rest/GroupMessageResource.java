package io.chorus.gateway.rest;

import io.chorus.common.limits.PostRateLimit;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.message.MessageText;
import io.chorus.gateway.client.HistoryClient;
import io.chorus.gateway.client.Upstream;
import io.chorus.gateway.group.Groups;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Posting and reading group messages: members only. The message is stored by history-service;
 * its answer (after commit) becomes ours, so a 201 here means the message is durable.
 */
@Path("/api/groups/{group}/messages")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@RunOnVirtualThread
public class GroupMessageResource {

    private final Groups groups;
    private final HistoryClient history;
    private final JsonWebToken caller;
    private final PostRateLimit postRateLimit;

    public GroupMessageResource(Groups groups, @RestClient HistoryClient history, JsonWebToken caller,
                                PostRateLimit postRateLimit) {
        this.groups = groups;
        this.history = history;
        this.caller = caller;
        this.postRateLimit = postRateLimit;
    }

    @POST
    public Response post(@PathParam("group") String group, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                         @NotNull(message = "a JSON body {\"text\"} is required") PostRequest request) {
        String target = groups.requireMember(group, caller.getName());
        HistoryClient.PostBody body = new HistoryClient.PostBody(MessageText.require(request.text()),
                ClientId.requireValidOrNull(request.clientId()));
        postRateLimit.acquire(caller.getName());
        // The token may have come as ?access_token=; history-service wants it as a header.
        String bearer = authorization != null ? authorization : "Bearer " + caller.getRawToken();
        RestResponse<GroupMessage> stored = Upstream.call("history-service",
                () -> history.append(target, bearer, body));
        return Response.status(stored.getStatus()).entity(stored.getEntity()).build();
    }

    @GET
    public HistoryClient.Page history(@PathParam("group") String group, @QueryParam("before") String before,
                                      @QueryParam("after") String after, @QueryParam("limit") String limit) {
        String target = groups.requireMember(group, caller.getName());
        return Upstream.call("history-service", () -> history.page(target, before, after, limit));
    }

    public record PostRequest(String text, String clientId) {
    }
}
