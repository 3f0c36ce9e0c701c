package io.chorus.gateway.client;

import io.chorus.gateway.stream.LiveEvent;
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

    /** DMs the user sent or received after a position, oldest first, at most {@code max}, without blocking. */
    public Uni<List<LiveEvent>> replay(String user, long after, int max) {
        return LogPages.collect(after, max, position -> dms.afterFor(position, user, LogPages.PAGE)
                        .map(page -> page.entries().stream().map(json::event).toList()))
                .onFailure().transform(e -> Upstream.translate("dm-service", e));
    }
}
