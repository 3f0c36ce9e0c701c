package io.chorus.gateway.client;

import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.LogFollower;
import io.chorus.gateway.stream.MembershipFeed;
import java.util.List;

/**
 * history-service's group log as the group follower reads it: every kind of entry. Following
 * starts once the membership feed has rebuilt who belongs where up to the log's head.
 */
public class RemoteGroupLog implements LogFollower.Source {

    private final HistoryClient history;
    private final Json json;
    private final MembershipFeed memberships;

    public RemoteGroupLog(HistoryClient history, Json json, MembershipFeed memberships) {
        this.history = history;
        this.json = json;
        this.memberships = memberships;
    }

    @Override
    public long head() {
        return history.head().position();
    }

    @Override
    public List<LiveEvent> after(long position, int limit) {
        return events(history.afterInAll(position, true, false, limit));
    }

    @Override
    public long start() {
        return memberships.rebuild(this::head,
                position -> events(history.afterInAll(position, true, true, MembershipFeed.PAGE)));
    }

    private List<LiveEvent> events(HistoryClient.Entries page) {
        return page.entries().stream().map(json::event).toList();
    }
}
