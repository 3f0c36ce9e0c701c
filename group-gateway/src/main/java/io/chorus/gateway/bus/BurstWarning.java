package io.chorus.gateway.bus;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * A warning about what any peer can cause again and again (a refused or malformed bus message):
 * the first is logged at once, then at most one line an interval saying how many more there were.
 * A line, never a stack trace, per message would let a peer fill the disk; the metric counts each.
 */
final class BurstWarning {

    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Logger log;
    private final long intervalNanos;
    private long lastLogged;
    private boolean logged;
    private long unlogged;

    BurstWarning(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    synchronized void warn(String what) {
        long now = System.nanoTime();
        if (logged && now - lastLogged < intervalNanos) {
            unlogged++;
            return;
        }
        if (unlogged > 0) {
            log.warnf("%s (and %d more like it since the last such line, %d s or more ago)", what, unlogged,
                    Duration.ofNanos(now - lastLogged).toSeconds());
        } else {
            log.warn(what);
        }
        logged = true;
        lastLogged = now;
        unlogged = 0;
    }
}
