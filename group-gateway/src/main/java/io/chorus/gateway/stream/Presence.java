package io.chorus.gateway.stream;

import io.chorus.common.naming.NameRule;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Who is online (SPEC, Live streams): a user holding at least one stream on any gateway replica.
 * This replica counts its own streams per user; a user whose last stream here closed stays
 * online for {@link #GRACE}, so a reconnect (here or elsewhere) does not flap. Each
 * {@link #sync} tick writes this replica's online users to the shared {@link Store}, reads every
 * live replica's, and announces each change ({@code presence} events) to the members of the
 * user's groups. Plain Java: the store is the database, the clock a parameter.
 */
public class Presence implements Streams.Holders, MembershipFeed.Joins {

    /** How long a user without streams stays online. */
    public static final Duration GRACE = Duration.ofSeconds(10);
    public static final String TYPE = "presence";

    /** The replicas' shared view (the gateway database). */
    public interface Store {
        /** Records this replica as alive, with these users online here (adds and removes since the last write). */
        void write(Map<String, String> added, Set<String> removed);

        /** The users online on any replica whose heartbeat is fresh: key to name. */
        Map<String, String> online();
    }

    /** What a presence event shows. */
    @RegisterForReflection
    public record Shown(String user, boolean online) {
    }

    private static final class Holder {
        final String name;
        int streams;
        Instant lastClosed;

        Holder(String name) {
            this.name = name;
        }
    }

    private final Store store;
    private final Fanout fanout;
    private final Memberships memberships;
    private final Function<Object, String> json;
    private final Clock clock;
    private final int maxGroupSize;
    private final Map<String, Holder> local = new ConcurrentHashMap<>();
    /** This replica's users as last written to the store. Only the sync tick touches it. */
    private final Map<String, String> written = new HashMap<>();
    /** Everyone online, as of the last sync (empty before the first; {@link #onlineIn} adds this replica's own). */
    private volatile Map<String, String> everywhere = Map.of();
    private boolean synced;

    /** @param maxGroupSize groups with more members get no presence events (members² of them otherwise) */
    public Presence(Store store, Fanout fanout, Memberships memberships, Function<Object, String> json, Clock clock,
                    int maxGroupSize) {
        this.maxGroupSize = maxGroupSize;
        this.store = store;
        this.fanout = fanout;
        this.memberships = memberships;
        this.json = json;
        this.clock = clock;
    }

    /** A stream of the user opened on this replica. */
    @Override
    public void opened(String user) {
        local.compute(NameRule.key(user), (key, holder) -> {
            Holder held = holder != null ? holder : new Holder(user);
            held.streams++;
            return held;
        });
    }

    /** A stream of the user on this replica ended. */
    @Override
    public void closed(String user) {
        local.computeIfPresent(NameRule.key(user), (key, holder) -> {
            holder.streams--;
            if (holder.streams <= 0) {
                holder.lastClosed = clock.instant();
            }
            return holder;
        });
    }

    /**
     * A member joined (on the group follower's thread, right after their {@code member-joined}
     * went to this replica's streams): if they are online, the group's streams hear it now. The
     * sync ticks announce only changes of online, and a member online before the join is none.
     */
    @Override
    public void joined(String groupKey, String memberKey) {
        Holder here = local.get(memberKey);
        String name = here != null ? here.name : everywhere.get(memberKey);
        if (name == null || memberships.membersOf(groupKey).size() > maxGroupSize) {
            return;
        }
        Ephemeral event = Ephemeral.inGroup(groupKey, memberKey, TYPE, json.apply(new Shown(name, true)));
        fanout.deliverToGroupStreams(event);
        for (String member : memberships.membersOf(groupKey)) {
            fanout.deliverToUserStreams(member, event);
        }
    }

    /** The names of the group's members who are online, as of the last sync and this replica's streams. */
    public Set<String> onlineIn(String groupKey) {
        Map<String, String> synced = everywhere;
        Set<String> names = new HashSet<>();
        for (String member : memberships.membersOf(groupKey)) {
            Holder here = local.get(member);
            String name = here != null ? here.name : synced.get(member);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * One tick: forget users past their grace, write this replica's users, read everyone's, and
     * announce who came online or went offline since the last tick. Blocking: the store is JDBC.
     */
    public void sync() {
        Instant cutoff = clock.instant().minus(GRACE);
        for (String key : local.keySet()) {
            // Atomic with opened/closed of the same user: a stream opening now keeps them.
            local.computeIfPresent(key, (k, holder) ->
                    holder.streams <= 0 && holder.lastClosed != null && holder.lastClosed.isBefore(cutoff) ? null : holder);
        }
        Map<String, String> now = new HashMap<>();
        local.forEach((key, holder) -> now.put(key, holder.name));
        Map<String, String> added = new HashMap<>();
        now.forEach((key, name) -> {
            if (!written.containsKey(key)) {
                added.put(key, name);
            }
        });
        Set<String> removed = new HashSet<>(written.keySet());
        removed.removeAll(now.keySet());
        store.write(added, removed);
        written.putAll(added);
        written.keySet().removeAll(removed);

        Map<String, String> before = everywhere;
        Map<String, String> after = store.online();
        everywhere = Map.copyOf(after);
        if (!synced) {
            // Who was online before this replica started is no news to its (new) streams.
            synced = true;
            return;
        }
        after.forEach((key, name) -> {
            if (!before.containsKey(key)) {
                announce(key, name, true);
            }
        });
        before.forEach((key, name) -> {
            if (!after.containsKey(key)) {
                announce(key, name, false);
            }
        });
    }

    /** To the streams of the user's groups and, once each, to the everything-streams of their members. */
    private void announce(String userKey, String name, boolean online) {
        String data = json.apply(new Shown(name, online));
        Set<String> told = new HashSet<>();
        for (String groupKey : memberships.groupsOf(userKey)) {
            Set<String> members = memberships.membersOf(groupKey);
            if (members.size() > maxGroupSize) {
                continue;
            }
            Ephemeral event = Ephemeral.inGroup(groupKey, userKey, TYPE, data);
            fanout.deliverToGroupStreams(event);
            for (String member : members) {
                if (told.add(member)) {
                    fanout.deliverToUserStreams(member, event);
                }
            }
        }
    }
}
