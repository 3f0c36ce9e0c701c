package io.chorus.gateway.client;

import io.chorus.common.error.ProblemException;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.gateway.group.Groups;
import io.chorus.gateway.group.MembershipProjection;
import io.chorus.gateway.stream.LogFollower;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Joins and leaves through history-service's group log. The answer waits until this gateway's
 * follower has applied the entry (reading the log for it rather than waiting on the bus) and the
 * memberships table holds it, so the caller's next request, on any replica, sees the change.
 */
public class HistoryMembershipLog implements Groups.MembershipLog {

    private static final Logger LOG = Logger.getLogger(HistoryMembershipLog.class);
    private static final Duration PROJECTION_WAIT = Duration.ofSeconds(2);

    private final HistoryClient history;
    private final LogFollower groupLog;
    private final MembershipProjection projection;

    public HistoryMembershipLog(HistoryClient history, LogFollower groupLog, MembershipProjection projection) {
        this.history = history;
        this.groupLog = groupLog;
        this.projection = projection;
    }

    @Override
    public long append(String group, boolean joined, String bearer) {
        GroupLogEntry entry = Upstream.call("history-service",
                () -> joined ? history.join(group, bearer) : history.leave(group, bearer));
        // Committed: from here on the change stands, whatever happens to this request.
        boolean applied = Upstream.call("history-service", () -> groupLog.reach(entry.id()));
        try {
            if (!applied || !projection.awaitApplied(entry.id(), PROJECTION_WAIT)) {
                LOG.warnf("membership entry %d is committed but not applied here yet; it will be", entry.id());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("interrupted; the change is committed");
        }
        return entry.id();
    }
}
