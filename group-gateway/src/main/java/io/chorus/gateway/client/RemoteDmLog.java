package io.chorus.gateway.client;

import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.LogFollower;
import java.util.List;

/** dm-service's DM log as the DM follower reads it. */
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
        return dms.afterAll(position, true, limit).messages().stream().map(json::event).toList();
    }
}
