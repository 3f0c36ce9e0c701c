package io.chorus.gateway.client;

import io.chorus.common.log.LogEntries;
import io.chorus.common.log.LogPosition;
import io.chorus.common.message.DmLogEntry;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import io.chorus.common.security.InternalCredential;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** dm-service's internal API: the DM log, for replay and gap filling. */
@ClientHeaderParam(name = InternalCredential.HEADER, value = "${chorus.internal.credential}")
@RegisterRestClient(configKey = "dms")
@Path("/internal/dms")
public interface DmClient {

    /** DMs after a position that the user sent or received. */
    @GET
    Uni<LogEntries<DmLogEntry>> afterFor(@QueryParam("after") long after, @QueryParam("user") String user,
                                         @QueryParam("limit") int limit, @QueryParam("bytes") int bytes);

    @GET
    LogEntries<DmLogEntry> afterAll(@QueryParam("after") long after, @QueryParam("all") boolean all, @QueryParam("limit") int limit);

    @GET
    @Path("/head")
    LogPosition head();
}
