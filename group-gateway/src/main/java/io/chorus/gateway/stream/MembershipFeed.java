package io.chorus.gateway.stream;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Applies the group log's joins and leaves, in log order, on the group follower's thread: the
 * in-memory membership the fan-out filters by changes exactly between the entries before and
 * after it, on every replica alike. The durable membership table is a projection of the same
 * entries, written in order behind this (see {@link Projection}); the log is the truth.
 */
public class MembershipFeed implements Consumer<LiveEvent> {

    /** The durable projection of the log's joins and leaves (the gateway's memberships table). */
    public interface Projection {

        /** The table as it stands and the position of the last entry applied to it. */
        Snapshot snapshot();

        /** Applies the entry after those recorded before it; may complete later, never out of order. */
        void record(LiveEvent entry);
    }

    /** @param membersByGroup group key → member key → the position of their join (0 if not known) */
    public record Snapshot(long applied, Map<String, Map<String, Long>> membersByGroup) {
    }

    /** Entries asked for per page while rebuilding. */
    public static final int PAGE = 1000;

    /** Told of each live join right after its {@code member-joined} went to the streams (presence). */
    public interface Joins {
        Joins NONE = (groupKey, memberKey) -> { };

        void joined(String groupKey, String memberKey);
    }

    private final Memberships memberships;
    private final Fanout fanout;
    private final Projection projection;
    private final Joins joins;

    public MembershipFeed(Memberships memberships, Fanout fanout, Projection projection) {
        this(memberships, fanout, projection, Joins.NONE);
    }

    public MembershipFeed(Memberships memberships, Fanout fanout, Projection projection, Joins joins) {
        this.memberships = memberships;
        this.fanout = fanout;
        this.projection = projection;
        this.joins = joins;
    }

    /** Every entry of the group log, in position order. */
    @Override
    public void accept(LiveEvent event) {
        if (event.isJoin()) {
            apply(event);
            fanout.deliver(event);
            joins.joined(event.groupKey(), event.senderKey());
        } else if (event.isLeave()) {
            // The leaver's own streams may still show their leave; nothing after it.
            fanout.deliver(event);
            apply(event);
            fanout.left(event.groupKey(), event.senderKey());
        } else {
            fanout.deliver(event);
        }
    }

    /**
     * Brings membership up to the log's head at start: the projection's snapshot, then the joins
     * and leaves it had not applied yet (a crash between a commit to the log and the projection
     * loses nothing). Returns the position following starts from.
     *
     * @param head             the log's head now
     * @param membershipsAfter joins and leaves after a position, oldest first, a page at a time
     */
    public long rebuild(LongSupplier head, LongFunction<List<LiveEvent>> membershipsAfter) {
        Snapshot snapshot = projection.snapshot();
        long upTo = head.getAsLong();
        memberships.replaceAll(snapshot.membersByGroup());
        long position = snapshot.applied();
        while (position < upTo) {
            List<LiveEvent> page = membershipsAfter.apply(position);
            if (page.isEmpty()) {
                break;
            }
            for (LiveEvent entry : page) {
                if (entry.position() > upTo) {
                    return upTo;
                }
                apply(entry);
                position = entry.position();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        return upTo;
    }

    private void apply(LiveEvent entry) {
        if (entry.isJoin()) {
            memberships.add(entry.groupKey(), entry.senderKey(), entry.position());
        } else {
            memberships.remove(entry.groupKey(), entry.senderKey());
        }
        projection.record(entry);
    }
}
