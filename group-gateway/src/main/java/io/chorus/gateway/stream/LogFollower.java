package io.chorus.gateway.stream;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Follows one log (group messages or DMs) and hands its messages on strictly in id order, each
 * once. Ids are contiguous, so a message whose id is not last+1 reveals a gap: the bus dropped
 * or reordered something. The follower then reads the missing ids from the log's owner before
 * going on. {@link #catchUp()}, called periodically, covers the tail the bus never delivered.
 * That is why a message committed (201) always reaches live subscribers, whatever the bus does.
 */
public class LogFollower {

    /** The durable log behind the bus. */
    public interface Source {
        long head();

        List<LiveEvent> after(long position, int limit);

        /**
         * Where following starts: the head, unless the follower's consumer must first catch up
         * with the log by itself (the membership feed rebuilds who belongs where up to a position).
         */
        default long start() {
            return head();
        }
    }

    private static final Logger LOG = Logger.getLogger(LogFollower.class);
    private static final int PAGE = 500;

    private final String name;
    private final Source source;
    private final Consumer<LiveEvent> sink;
    /** Written under both locks (this, then handing); so readable under either. */
    private volatile long last = -1;
    /**
     * Held only while an entry is handed on: a stream opening on an event loop registers under
     * it, and never waits on a read of the log, which happens under {@code this}.
     */
    private final Object handing = new Object();
    private long filled;
    /** Whether the last read of the log (start, head or a page) succeeded; readiness reports it. */
    private volatile boolean logReachable = true;

    public LogFollower(String name, Source source, Consumer<LiveEvent> sink) {
        this.name = name;
        this.source = source;
        this.sink = sink;
    }

    public boolean isStarted() {
        return last >= 0;
    }

    /** The id of the last message handed on; -1 before the follower knows the log's head. */
    public long last() {
        return last;
    }

    /**
     * Runs the action with no message handed on meanwhile, and returns the id of the last one
     * handed on before it: a new subscriber registers here, so it neither misses nor repeats one.
     */
    public long lastWhile(Runnable action) {
        synchronized (handing) {
            action.run();
            return last;
        }
    }

    /** False while the last read of the log failed: its owner is down or does not answer in time. */
    public boolean isLogReachable() {
        return logReachable;
    }

    /** Messages read from the log because the bus missed them. */
    public synchronized long filled() {
        return filled;
    }

    /** A message from the bus. */
    public synchronized void offer(LiveEvent event) {
        if (last < 0 || event.position() <= last) {
            // Before start, history covers it (subscribers resume from a cursor); after, it is a duplicate.
            return;
        }
        try {
            if (event.position() > last + 1) {
                fill(event.position() - 1);
            }
            if (event.position() == last + 1) {
                hand(event);
            }
        } catch (RuntimeException e) {
            LOG.warnf("%s: cannot fill the gap before id %d yet (%s); the next catch-up retries",
                    name, event.position(), e.getMessage());
        }
    }

    /** Compares with the log's head and reads whatever was not delivered. Starts the follower. */
    public synchronized void catchUp() {
        if (last < 0) {
            long start = read(source::start);
            synchronized (handing) {
                last = start;
            }
            LOG.infof("%s: following from id %d", name, last);
        }
        long head = read(source::head);
        if (head > last) {
            fill(head);
        }
    }

    /**
     * Hands on everything up to the position now, reading the log for what the bus has not
     * brought yet: a join is answered only once this gateway applies it. False if the follower
     * has not started or the log does not hold the position yet.
     */
    public synchronized boolean reach(long position) {
        if (last >= 0 && last < position) {
            fill(position);
        }
        return last >= position;
    }

    private void fill(long upTo) {
        while (last < upTo) {
            long from = last;
            List<LiveEvent> page = read(() -> source.after(from, PAGE));
            if (page.isEmpty()) {
                return;
            }
            for (LiveEvent event : page) {
                if (event.position() > upTo) {
                    return;
                }
                if (event.position() != last + 1) {
                    return;
                }
                filled++;
                hand(event);
            }
        }
    }

    private <T> T read(Supplier<T> call) {
        try {
            T result = call.get();
            logReachable = true;
            return result;
        } catch (RuntimeException e) {
            logReachable = false;
            throw e;
        }
    }

    private void hand(LiveEvent event) {
        synchronized (handing) {
            last = event.position();
            sink.accept(event);
        }
    }
}
