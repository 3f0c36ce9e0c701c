package io.chorus.gateway.stream;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** The periodic work of the live path: catching up with the logs, and heartbeats. */
@ApplicationScoped
public class LogTicker {

    private static final Logger LOG = Logger.getLogger(LogTicker.class);

    private final Logs logs;
    private final Fanout fanout;
    /** Services whose last catch-up failed: readiness reports them. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    public LogTicker(Logs logs, Fanout fanout) {
        this.logs = logs;
        this.fanout = fanout;
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

    /** False while the last catch-up with this service's log failed (checked every second). */
    public boolean reaches(String service) {
        return !failing.contains(service);
    }

    private synchronized void catchUp(String service, LogFollower follower) {
        try {
            follower.catchUp();
            if (failing.remove(service)) {
                LOG.infof("%s is reachable again; live streams are caught up", service);
            }
        } catch (RuntimeException e) {
            // Once per outage, not once a second.
            if (failing.add(service)) {
                LOG.warnf("cannot reach %s to catch up (%s); retrying", service, e.getMessage());
            }
        }
    }
}
