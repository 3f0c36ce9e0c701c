package io.chorus.gateway.client;

import io.chorus.common.log.LogEntries;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.LogFollower;
import io.chorus.gateway.stream.MembershipFeed;
import io.chorus.gateway.stream.ReplayPage;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * history-service's group log as the gateway reads it, every kind of entry: the group follower's
 * source (following starts once the membership feed has rebuilt who belongs where up to the
 * log's head) and the replay for resuming streams.
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

    /** One page of what a resuming stream missed in these groups, oldest first, without blocking. */
    public Uni<ReplayPage> replayPage(List<String> groups, long after, int limit, int bytes) {
        if (groups.isEmpty()) {
            return Uni.createFrom().item(ReplayPage.LAST_EMPTY);
        }
        return history.afterIn(after, groups, limit, bytes)
                .map(page -> ReplayPage.of(events(page), limit, bytes))
                .onFailure().transform(e -> Upstream.translate("history-service", e));
    }

    private List<LiveEvent> events(LogEntries<GroupLogEntry> page) {
        return page.entries().stream().map(json::event).toList();
    }
}
