package io.chorus.gateway.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who belongs to which group, in memory, for the fan-out: checking the database for every
 * message and subscriber would put JDBC on the hot path. Rebuilt at start from the membership
 * projection and the group log, then changed only by {@link MembershipFeed}, in log order.
 * Keys are lower-case names. Each membership keeps the log position of its join, so a replay
 * read a page at a time shows a member nothing of a group from before they (last) joined it,
 * whichever page that join falls in.
 *
 * <p>Every membership of every group is held: about 100 bytes each (docs/operations.md, "Memory
 * of the membership state"), so the count is a metric an operator sizes the heap by.
 */
public class Memberships {

    /** Group key → member key → the position of the member's join (0 where it is not known). */
    private final Map<String, Map<String, Long>> membersByGroup = new ConcurrentHashMap<>();
    private final AtomicLong held = new AtomicLong();

    public void load(Map<String, Map<String, Long>> snapshot) {
        snapshot.forEach((group, members) -> members.forEach((member, position) -> add(group, member, position)));
    }

    public void replaceAll(Map<String, Map<String, Long>> snapshot) {
        membersByGroup.clear();
        held.set(0);
        load(snapshot);
    }

    /** A member whose join position is not known (tests, and rows older than the position column). */
    public void add(String groupKey, String memberKey) {
        add(groupKey, memberKey, 0);
    }

    public void add(String groupKey, String memberKey, long joinPosition) {
        if (membersByGroup.computeIfAbsent(groupKey, key -> new ConcurrentHashMap<>()).put(memberKey, joinPosition) == null) {
            held.incrementAndGet();
        }
    }

    public void remove(String groupKey, String memberKey) {
        Map<String, Long> members = membersByGroup.get(groupKey);
        if (members != null && members.remove(memberKey) != null) {
            held.decrementAndGet();
        }
    }

    /** How many memberships this gateway holds in memory. */
    public long size() {
        return held.get();
    }

    public boolean isMember(String groupKey, String memberKey) {
        Map<String, Long> members = membersByGroup.get(groupKey);
        return members != null && members.containsKey(memberKey);
    }

    /** The position of the member's current membership's join; -1 when not a member, 0 when not known. */
    public long joinedAt(String groupKey, String memberKey) {
        Map<String, Long> members = membersByGroup.get(groupKey);
        Long position = members == null ? null : members.get(memberKey);
        return position == null ? -1 : position;
    }

    /** The groups the member belongs to; a scan, made when an everything-stream resumes. */
    public List<String> groupsOf(String memberKey) {
        List<String> groups = new ArrayList<>();
        membersByGroup.forEach((group, members) -> {
            if (members.containsKey(memberKey)) {
                groups.add(group);
            }
        });
        return groups;
    }

    public Set<String> membersOf(String groupKey) {
        Map<String, Long> members = membersByGroup.get(groupKey);
        return members == null ? Set.of() : members.keySet();
    }
}
