package io.chorus.common.http;

import java.util.HashMap;
import java.util.Map;

/**
 * The request bodies a process holds while they arrive. The HTTP layer reads a whole body into
 * memory before the application sees it, so thousands of clients that send most of a 64 KiB
 * body and stall would hold it all (measured: a 256 MiB gateway at 245 MiB of heap under 3,000).
 * Each body takes its declared length (or the limit, when it is sent in chunks) from the
 * process's budget and from its sender's (a user, or a client address when unauthenticated)
 * before a byte is read, and gives it back when the request ends however it ends; past either
 * bound the request is refused at once. One sender therefore holds at most {@code perSender},
 * so a flood of stalled bodies from one account or address never takes the others' room.
 */
public final class BodyBudget {

    /** One body's bytes, given back once whatever happens. */
    public interface Taken {
        void giveBack();
    }

    public enum Refusal { PROCESS_FULL, SENDER_FULL }

    /** What {@link #take} answers: the bytes taken, or why not. */
    public record Outcome(Taken taken, Refusal refusal) {
    }

    private final long total;
    private final long perSender;
    private long used;
    private final Map<String, Long> usedBySender = new HashMap<>();

    public BodyBudget(long total, long perSender) {
        if (total < 1 || perSender < 1) {
            throw new IllegalArgumentException("body budgets must be positive");
        }
        this.total = total;
        this.perSender = perSender;
    }

    /** @param sender null for a body that counts only against the process (internal calls) */
    public synchronized Outcome take(String sender, long bytes) {
        if (used + bytes > total) {
            return new Outcome(null, Refusal.PROCESS_FULL);
        }
        long senderUsed = sender == null ? 0 : usedBySender.getOrDefault(sender, 0L);
        if (sender != null && senderUsed + bytes > perSender) {
            return new Outcome(null, Refusal.SENDER_FULL);
        }
        used += bytes;
        if (sender != null) {
            usedBySender.put(sender, senderUsed + bytes);
        }
        boolean[] given = new boolean[1];
        return new Outcome(() -> {
            synchronized (this) {
                if (given[0]) {
                    return;
                }
                given[0] = true;
                used -= bytes;
                if (sender != null) {
                    usedBySender.computeIfPresent(sender, (key, value) -> value - bytes <= 0 ? null : value - bytes);
                }
            }
        }, null);
    }

    public synchronized long used() {
        return used;
    }

    /** Senders holding bodies now (the map never holds anyone else). */
    public synchronized int senders() {
        return usedBySender.size();
    }
}
