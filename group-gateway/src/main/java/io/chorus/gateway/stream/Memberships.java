package io.chorus.gateway.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who belongs to which group, in memory, for the fan-out: checking the database for every
 * message and subscriber would put JDBC on the hot path. Rebuilt at start from the membership
 * projection and the group log, then changed only by {@link MembershipFeed}, in log order.
 * Keys are lower-case names.
 */
public class Memberships {

    private final Map<String, Set<String>> membersByGroup = new ConcurrentHashMap<>();

    public void load(Map<String, Set<String>> snapshot) {
        snapshot.forEach((group, members) -> membersByGroup.computeIfAbsent(group, key -> ConcurrentHashMap.newKeySet())
                .addAll(members));
    }

    public void replaceAll(Map<String, Set<String>> snapshot) {
        membersByGroup.clear();
        load(snapshot);
    }

    public void add(String groupKey, String memberKey) {
        membersByGroup.computeIfAbsent(groupKey, key -> ConcurrentHashMap.newKeySet()).add(memberKey);
    }

    public void remove(String groupKey, String memberKey) {
        Set<String> members = membersByGroup.get(groupKey);
        if (members != null) {
            members.remove(memberKey);
        }
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
