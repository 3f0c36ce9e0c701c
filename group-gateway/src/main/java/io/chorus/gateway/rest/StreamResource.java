package io.chorus.gateway.rest;

import io.chorus.common.error.ProblemException;
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
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What the live streams (SSE) share. Opening one checks membership in the database (a worker
 * thread: @Blocking); from then on events flow from the fan-out without a thread of their own.
 * Resume with the Last-Event-ID header or, for clients that cannot set it, ?lastEventId=. A
 * stream ends when the token it was opened with expires; the client reconnects with a fresh one
 * and resumes from its last event id, missing nothing.
 */
abstract class StreamResource {

    final Groups groups;
    final Streams streams;
    final JsonWebToken caller;

    StreamResource(Groups groups, Streams streams, JsonWebToken caller) {
        this.groups = groups;
        this.streams = streams;
        this.caller = caller;
    }

    static String lastEventId(String header, String parameter) {
        String id = header != null && !header.isBlank() ? header : parameter;
        return id == null || id.isBlank() ? null : id;
    }

    /**
     * How long the caller's token has left. The verifier accepts a token for a little while past
     * its expiry (clock skew between machines); a stream does not: it would only end at once.
     */
    Duration tokenLifeLeft() {
        long secondsLeft = caller.getExpirationTime() - Instant.now().getEpochSecond();
        if (secondsLeft <= 0) {
            throw ProblemException.unauthorized("the access token has expired; log in again and resume");
        }
        return Duration.ofSeconds(secondsLeft);
    }

    static Multi<OutboundSseEvent> toSse(Multi<StreamItem> items, Duration tokenLifeLeft, Sse sse) {
        return items.select().first(tokenLifeLeft).map(item -> {
            if (item.isHeartbeat()) {
                return sse.newEventBuilder().comment("heartbeat").build();
            }
            if (item.isCursor()) {
                return sse.newEventBuilder().comment("cursor").id(item.id()).build();
            }
            return sse.newEventBuilder().id(item.id()).name(item.event()).data(item.data()).build();
        });
    }
}
