package io.chorus.gateway.stream;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** The periodic work of the live path: catching up with the logs, heartbeats, and presence. */
@ApplicationScoped
public class LogTicker {

    private static final Logger LOG = Logger.getLogger(LogTicker.class);

    private final Logs logs;
    private final Fanout fanout;
    private final Presence presence;
    private volatile boolean presenceFailing;

    public LogTicker(Logs logs, Fanout fanout, Presence presence) {
        this.logs = logs;
        this.fanout = fanout;
        this.presence = presence;
    }

    /** Shares this replica's online users with the others and announces changes (blocking JDBC, off the event loop). */
    @Scheduled(every = "${gateway.presence.interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void presence() {
        try {
            presence.sync();
            if (presenceFailing) {
                presenceFailing = false;
                LOG.info("presence is shared with the other replicas again");
            }
        } catch (RuntimeException e) {
            if (!presenceFailing) {
                presenceFailing = true;
                LOG.warnf("cannot share presence (%s); retrying", e.getMessage());
            }
        }
    }

    /**
     * The followers start as soon as the application has, not at the scheduler's first turn (up
     * to a second later, and its triggers are checked once a second): readiness waits for the
     * group follower to know the log's head, so this is time every restart spent not ready.
     * Off the startup thread: it reads from history-service, which may be slow or away.
     */
    void startFollowing(@Observes StartupEvent event) {
        Thread.ofVirtual().name("log-follower-start").start(this::catchUp);
    }

    @Scheduled(every = "${gateway.bus.catch-up-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void catchUp() {
        catchUp("history-service", logs.groups());
        catchUp("dm-service", logs.dms());
    }

    @Scheduled(every = "${gateway.stream.heartbeat:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        fanout.heartbeat();
    }

    private void catchUp(String service, LogFollower follower) {
        boolean wasReachable = follower.isLogReachable();
        try {
            follower.catchUp();
            if (!wasReachable) {
                LOG.infof("%s is reachable again; live streams are caught up", service);
            }
        } catch (RuntimeException e) {
            // Once per outage, not once a second.
            if (wasReachable) {
                LOG.warnf("cannot reach %s to catch up (%s); retrying", service, e.getMessage());
            }
        }
    }
}
