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
 * Keys are lower-case names.
 *
 * <p>Every membership of every group is held: about 100 bytes each (docs/operations.md, "Memory
 * of the membership state"), so the count is a metric an operator sizes the heap by.
 */
public class Memberships {

    private final Map<String, Set<String>> membersByGroup = new ConcurrentHashMap<>();
    private final AtomicLong held = new AtomicLong();

    public void load(Map<String, Set<String>> snapshot) {
        snapshot.forEach((group, members) -> members.forEach(member -> add(group, member)));
    }

    public void replaceAll(Map<String, Set<String>> snapshot) {
        membersByGroup.clear();
        held.set(0);
        load(snapshot);
    }

    public void add(String groupKey, String memberKey) {
        if (membersByGroup.computeIfAbsent(groupKey, key -> ConcurrentHashMap.newKeySet()).add(memberKey)) {
            held.incrementAndGet();
        }
    }

    public void remove(String groupKey, String memberKey) {
        Set<String> members = membersByGroup.get(groupKey);
        if (members != null && members.remove(memberKey)) {
            held.decrementAndGet();
        }
    }

    /** How many memberships this gateway holds in memory. */
    public long size() {
        return held.get();
    }

    public boolean isMember(String groupKey, String memberKey) {
        Set<String> members = membersByGroup.get(groupKey);
        return members != null && members.contains(memberKey);
    }

    /** The groups the member belongs to; a scan, made when an everything-stream resumes. */
    public List<String> groupsOf(String memberKey) {
        List<String> groups = new ArrayList<>();
        membersByGroup.forEach((group, members) -> {
            if (members.contains(memberKey)) {
                groups.add(group);
            }
        });
        return groups;
    }

    public Set<String> membersOf(String groupKey) {
        Set<String> members = membersByGroup.get(groupKey);
        return members == null ? Set.of() : members;
    }
}
