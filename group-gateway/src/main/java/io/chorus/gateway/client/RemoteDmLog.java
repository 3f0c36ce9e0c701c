package io.chorus.gateway.client;

import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.ReplayPage;
import io.chorus.gateway.stream.LogFollower;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** dm-service's DM log as the gateway reads it: the DM follower's source and the replay for resuming streams. */
public class RemoteDmLog implements LogFollower.Source {

    private final DmClient dms;
    private final Json json;

    public RemoteDmLog(DmClient dms, Json json) {
        this.dms = dms;
        this.json = json;
    }

    @Override
    public long head() {
        return dms.head().position();
    }

    @Override
    public List<LiveEvent> after(long position, int limit) {
        return dms.afterAll(position, true, limit).entries().stream().map(json::event).toList();
    }

    /** One page of the DMs the user sent or received after a position, oldest first, without blocking. */
    public Uni<ReplayPage> replayPage(String user, long after, int limit, int bytes) {
        return dms.afterFor(after, user, limit, bytes)
                .map(page -> ReplayPage.of(page.entries().stream().map(json::event).toList(), limit, bytes))
                .onFailure().transform(e -> Upstream.translate("dm-service", e));
    }
}
