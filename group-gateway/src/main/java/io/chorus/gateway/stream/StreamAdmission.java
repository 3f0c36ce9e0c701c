package io.chorus.gateway.stream;

import io.chorus.common.error.ProblemException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which streams a gateway takes: at most {@code capacity} open at once (it refuses what it
 * cannot hold, with 503 and Retry-After, rather than run out of memory), and at most
 * {@code perUser} for one user (429), so one account cannot take the capacity of all. These are
 * counts of what is open, not rates: each stream gives its place back when it ends, however it
 * ends, and a user with none open takes no memory here. What the admitted streams may hold is
 * bounded too: each its queue ({@link StreamBounds}), and all of them together the replay pages
 * of its {@link ReplayRoom}, where resuming streams wait their turn.
 */
public final class StreamAdmission {

    /** A place taken by one stream; giving it back twice gives it back once. */
    public interface Place {
        void release();
    }

    private final int capacity;
    private final int perUser;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> openByUser = new ConcurrentHashMap<>();
    private final ReplayRoom replayRoom;
    /** The Retry-After of refusals once closed (draining); 0 while open. */
    private volatile long closedRetryAfter;

    /** With room for 64 replay pages at once (tests). */
    public StreamAdmission(int capacity, int perUser) {
        this(capacity, perUser, 64);
    }

    /**
     * @param perUser     0 for no per-user cap (CHORUS_LIMITS=off)
     * @param replayPages replay pages held at once by all the streams
     */
    public StreamAdmission(int capacity, int perUser, int replayPages) {
        if (capacity < 1 || perUser < 0) {
            throw new IllegalArgumentException("stream capacity must be at least 1 and the per-user cap not negative");
        }
        this.capacity = capacity;
        this.perUser = perUser;
        this.replayRoom = new ReplayRoom(replayPages);
    }

    public ReplayRoom replayRoom() {
        return replayRoom;
    }

    /**
     * From now on every stream is refused with 503 and this Retry-After: the gateway is draining
     * before it stops, and a stream opened here now would only be ended again.
     */
    public void close(long retryAfterSeconds) {
        this.closedRetryAfter = Math.max(1, retryAfterSeconds);
    }

    public boolean isClosed() {
        return closedRetryAfter > 0;
    }

    public Place admit(String userKey) {
        long closed = closedRetryAfter;
        if (closed > 0) {
            throw ProblemException.unavailable("this gateway is shutting down; resume from your last event id in a "
                    + "moment (on another replica, if there is one)", closed);
        }
        if (open.incrementAndGet() > capacity) {
            open.decrementAndGet();
            throw ProblemException.unavailable("this gateway holds all the streams it can (" + capacity
                    + "); retry shortly, possibly on another replica", 5);
        }
        if (perUser > 0) {
            boolean[] refused = new boolean[1];
            openByUser.compute(userKey, (user, count) -> {
                int current = count == null ? 0 : count;
                if (current >= perUser) {
                    refused[0] = true;
                    return count;
                }
                return current + 1;
            });
            if (refused[0]) {
                open.decrementAndGet();
                throw ProblemException.tooManyRequests("you have " + perUser
                        + " streams open already; close one (one /api/events stream carries everything)", 5);
            }
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
                if (perUser > 0) {
                    openByUser.computeIfPresent(userKey, (user, count) -> count <= 1 ? null : count - 1);
                }
            }
        };
    }

    public int open() {
        return open.get();
    }

    public int capacity() {
        return capacity;
    }

    /** Users holding at least one stream (the per-user map never holds anyone else). */
    int usersWithStreams() {
        return openByUser.size();
    }
}
