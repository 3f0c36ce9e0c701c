package io.chorus.gateway.rest;

import io.chorus.gateway.group.Group;
import io.chorus.gateway.group.Groups;
import io.chorus.gateway.stream.StreamItem;
import io.chorus.gateway.stream.Streams;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** GET /api/groups/{group}/events: live messages of one group, members only. */
@Path("/api/groups/{group}/events")
@Authenticated
public class GroupStreamResource extends StreamResource {

    public GroupStreamResource(Groups groups, Streams streams, JsonWebToken caller) {
        super(groups, streams, caller);
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> group(@PathParam("group") String group, @QueryParam("self") boolean self,
                                         @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                                         @QueryParam("lastEventId") String lastEventIdParameter, @Context Sse sse) {
        Duration tokenLifeLeft = tokenLifeLeft();
        Group target = groups.requireMember(group, caller.getName());
        return toSse(streams.group(caller.getName(), target.name(), self,
                lastEventId(lastEventIdHeader, lastEventIdParameter)), tokenLifeLeft, sse);
    }
}
