package io.chorus.gateway.stream;

import java.util.ArrayDeque;

/**
 * The replay pages a gateway holds at once. A page is read, written to its connection, and
 * counts until the connection has taken it (it drained) or the stream ended; a stream waits
 * for room before reading its next page. Without this, a stream's replay is bounded but the
 * streams replaying at once are not: after a restart every stream resumes together, and clients
 * that never read would each keep a page in their socket's buffers. Waiting streams cost a
 * queue entry, and they are served in the order they asked.
 */
public final class ReplayRoom {

    private final int pages;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int taken;

    public ReplayRoom(int pages) {
        if (pages < 1) {
            throw new IllegalArgumentException("the replay room must hold at least one page");
        }
        this.pages = pages;
    }

    /** Runs {@code then} once a page's room is taken for the caller (now, or when one is given back). */
    public void take(Runnable then) {
        synchronized (this) {
            if (taken >= pages) {
                waiting.add(then);
                return;
            }
            taken++;
        }
        then.run();
    }

    /** Gives a page's room back: to the stream that waited longest, if one does. */
    public void giveBack() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                taken = Math.max(0, taken - 1);
                return;
            }
        }
        next.run();
    }

    public synchronized int taken() {
        return taken;
    }

    public synchronized int waiting() {
        return waiting.size();
    }

    public int pages() {
        return pages;
    }
}
