package io.chorus.gateway.stream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * How a gateway lets go of its streams before it stops (SIGTERM): first it says it is draining
 * (readiness down, so a load balancer sends it nothing new, and new streams get a 503), then it
 * ends the open streams a few at a time at the {@link DrainPace}, each with a {@code retry:}
 * drawn from the {@link RetryWindow} right before its end. Their clients resume from their last
 * id, spread in time, elsewhere or here once it is back; posts in flight meanwhile are answered
 * as usual. The shared replays are untouched: a stream still replaying ends after its page.
 */
public final class StreamDrain {

    private static final Logger LOG = Logger.getLogger(StreamDrain.class);

    /** Runs a task once after a delay: a timer in production, driven by hand in tests. */
    public interface Ticks {
        void after(Duration delay, Runnable task);
    }

    private final Fanout fanout;
    private final StreamAdmission admission;
    private final RetryWindow retry;
    private final int perSecond;
    private final Duration within;
    private final Duration tick;
    private final Ticks ticks;
    private final LongSupplier nanoTime;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean draining;
    // Set by start() before the first tick is scheduled, then the ticks' alone (one at a time).
    private List<Subscriber> toEnd;
    private DrainPace pace;
    private long startedAt;
    private int ended;

    /**
     * @param perSecond streams ended a second at most (unless {@code within} needs more)
     * @param within    by when every stream has ended, from the start
     * @param tick      how often a batch is ended
     */
    public StreamDrain(Fanout fanout, StreamAdmission admission, RetryWindow retry, int perSecond, Duration within,
                       Duration tick, Ticks ticks, LongSupplier nanoTime) {
        this.fanout = fanout;
        this.admission = admission;
        this.retry = retry;
        this.perSecond = perSecond;
        this.within = within;
        this.tick = tick;
        this.ticks = ticks;
        this.nanoTime = nanoTime;
    }

    /** True from the drain's start on: readiness reports it. */
    public boolean isDraining() {
        return draining;
    }

    /**
     * Starts draining (once; a second call returns the same drain). No stream ends before the
     * first tick: readiness is down and admission closed before the first one goes.
     *
     * @return completes once every stream has been ended
     */
    public CompletableFuture<Void> start() {
        synchronized (this) {
            if (draining) {
                return done;
            }
            draining = true;
        }
        admission.close(retry.longestSeconds());
        toEnd = fanout.streams();
        pace = new DrainPace(toEnd.size(), perSecond, within);
        startedAt = nanoTime.getAsLong();
        LOG.infof("draining %d streams over %d ms before stopping (at most %d a second unless the budget of %d ms needs more)",
                toEnd.size(), pace.duration().toMillis(), perSecond, within.toMillis());
        ticks.after(tick, this::tick);
        return done;
    }

    /** Streams ended by the drain so far (tests, logs). */
    public synchronized int ended() {
        return ended;
    }

    private void tick() {
        try {
            int due = pace.dueBy(Duration.ofNanos(nanoTime.getAsLong() - startedAt));
            synchronized (this) {
                while (ended < due) {
                    end(toEnd.get(ended++));
                }
            }
            if (due >= toEnd.size()) {
                // A stream that passed admission as the drain began, registered after its count.
                fanout.streams().forEach(this::end);
                done.complete(null);
                return;
            }
        } catch (RuntimeException e) {
            LOG.warn("a stream could not be ended in the drain; the next tick goes on", e);
        }
        ticks.after(tick, this::tick);
    }

    /** At the very end of shutdown: whatever is still open ends now (with its retry). */
    public void finish() {
        fanout.streams().forEach(this::end);
        done.complete(null);
    }

    private void end(Subscriber stream) {
        if (!stream.isEnding()) {
            stream.complete(retry.frameOrNull());
        }
    }
}
