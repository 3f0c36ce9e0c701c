package io.chorus.gateway.group;

import io.chorus.common.message.MembershipEvent;
import io.chorus.gateway.client.Json;
import io.chorus.gateway.repository.GroupRepository;
import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.MembershipFeed;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes the group log's joins and leaves into the memberships table, in log order, on a thread
 * of its own: the follower that applies them in memory never waits on this database. A write that
 * fails is retried until it succeeds, and nothing after it is written before, so the table's
 * {@code applied} position never skips an entry.
 */
public class MembershipProjection implements MembershipFeed.Projection, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MembershipProjection.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final GroupRepository repository;
    private final Json json;
    private final BlockingQueue<LiveEvent> pending = new LinkedBlockingQueue<>();
    private final Thread writer;
    private long applied;
    private volatile boolean closed;

    public MembershipProjection(GroupRepository repository, Json json) {
        this.repository = repository;
        this.json = json;
        this.writer = Thread.ofVirtual().name("membership-projection").start(this::writeLoop);
    }

    @Override
    public MembershipFeed.Snapshot snapshot() {
        GroupRepository.MembershipRows rows = repository.membershipSnapshot();
        synchronized (this) {
            applied = Math.max(applied, rows.applied());
        }
        return new MembershipFeed.Snapshot(rows.applied(), rows.membersByGroup());
    }

    @Override
    public void record(LiveEvent entry) {
        pending.add(entry);
    }

    /** Waits until the entry at this position is in the table; false if that took longer than the timeout. */
    public synchronized boolean awaitApplied(long position, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (applied < position) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private void writeLoop() {
        while (!closed) {
            LiveEvent entry;
            try {
                entry = pending.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (entry != null && !write(entry)) {
                return;
            }
        }
    }

    /** False only when closed before the entry could be written. */
    private boolean write(LiveEvent entry) {
        MembershipEvent change = json.read(entry.json(), MembershipEvent.class);
        while (true) {
            try {
                repository.applyMembership(entry.position(), change.group(), change.member(), entry.isJoin());
                synchronized (this) {
                    applied = Math.max(applied, entry.position());
                    notifyAll();
                }
                return true;
            } catch (RuntimeException e) {
                LOG.warnf("cannot write membership entry %d yet (%s); retrying", entry.position(), e.getMessage());
                try {
                    // Unwritten entries are not lost when closed: the next start applies them from the log.
                    if (closed || awaitClose(RETRY)) {
                        return false;
                    }
                } catch (InterruptedException interrupted) {
                    return false;
                }
            }
        }
    }

    private synchronized boolean awaitClose(Duration timeout) throws InterruptedException {
        TimeUnit.NANOSECONDS.timedWait(this, timeout.toNanos());
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
