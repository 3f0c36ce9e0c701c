package io.chorus.gateway.group;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import io.chorus.common.paging.PageLimit;
import io.chorus.gateway.repository.GroupRepository;
import io.chorus.gateway.stream.Memberships;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The group rules: names, who may create, join, leave, and who counts as a member. Joins and
 * leaves are entries of the group log; the memberships table follows them (a projection).
 */
public class Groups {

    /** SPEC: a group list page holds 50 groups unless asked otherwise, and never more than 200. */
    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;

    /** The group log, as far as membership goes. */
    public interface MembershipLog {

        /**
         * Appends the bearer's join ({@code joined}) or leave of the group; returns the entry's
         * position once it is committed and this gateway applied it.
         */
        long append(String group, boolean joined, String bearer);
    }

    /** A group and, if membership changed, the position of that change in the group log. */
    public record Change(Group group, Long position) {
    }

    private final GroupRepository repository;
    private final Memberships memberships;
    private final MembershipLog log;
    /** Group names as created, by key: a group is never renamed, so once read it stays true. */
    private final Map<String, String> names = new ConcurrentHashMap<>();

    public Groups(GroupRepository repository, Memberships memberships, MembershipLog log) {
        this.repository = repository;
        this.memberships = memberships;
        this.log = log;
    }

    /**
     * The creator's join is a second step after the group's row: if it failed (history-service
     * away), the creator repeating the request completes it instead of getting a conflict.
     */
    public Change create(String name, String creator, String bearer) {
        if (!NameRule.isValid(name)) {
            throw ProblemException.invalid("name must be " + NameRule.DESCRIPTION);
        }
        Optional<Group> created = repository.create(name, creator);
        Group group = created.or(() -> repository.find(name)
                        .filter(existing -> NameRule.key(existing.createdBy()).equals(NameRule.key(creator))
                                && existing.memberCount() == 0))
                .orElseThrow(() -> ProblemException.conflict("a group named '" + name + "' exists"));
        long position = log.append(group.name(), true, bearer);
        return new Change(find(group.name()), position);
    }

    /**
     * One page of the groups (or, {@code onlyOfMember} given, of that user's), in name order
     * ignoring case, after the group named {@code after}: paged as the user directory is (SPEC),
     * {@code next} the {@code after} of the following page, null on the last.
     */
    public Page page(String onlyOfMember, String after, String limit) {
        if (after != null && !NameRule.isValid(after)) {
            throw ProblemException.invalid("after must be a group name: " + NameRule.DESCRIPTION);
        }
        int size = PageLimit.parse(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        // Every key sorts after "", so the first page is the same index range as any other.
        String afterKey = after == null ? "" : NameRule.key(after);
        // One row more than the page says whether another page follows, without a count.
        List<Group> found = onlyOfMember == null ? repository.page(afterKey, size + 1)
                : repository.pageOf(onlyOfMember, afterKey, size + 1);
        boolean more = found.size() > size;
        List<Group> page = more ? found.subList(0, size) : found;
        return new Page(page, more ? page.getLast().name() : null);
    }

    /** A page of groups; {@code next} is null on the last page. */
    public record Page(List<Group> groups, String next) {
    }

    public Group find(String name) {
        if (!NameRule.isValid(name)) {
            throw ProblemException.notFound("no group named '" + name + "'");
        }
        Group group = repository.find(name).orElseThrow(() -> ProblemException.notFound("no group named '" + name + "'"));
        names.putIfAbsent(NameRule.key(group.name()), group.name());
        return group;
    }

    public List<Member> members(String name) {
        return repository.members(find(name).id());
    }

    /** Idempotent: joining twice is one membership (and one entry in the log). */
    public Change join(String name, String user, String bearer) {
        Group group = find(name);
        if (repository.isMember(group.id(), user)) {
            return new Change(group, null);
        }
        long position = log.append(group.name(), true, bearer);
        return new Change(find(group.name()), position);
    }

    /** Idempotent: leaving a group you are not in changes nothing. */
    public Long leave(String name, String user, String bearer) {
        Group group = find(name);
        if (!repository.isMember(group.id(), user)) {
            return null;
        }
        return log.append(group.name(), false, bearer);
    }

    /**
     * The group's name, if this gateway's memory (the group log as applied here) holds the user
     * as a member and the name was read before: no SQL. Empty when memory cannot say yes.
     */
    public Optional<String> knownMembership(String name, String user) {
        if (!NameRule.isValid(name)) {
            return Optional.empty();
        }
        String key = NameRule.key(name);
        String known = names.get(key);
        return known != null && memberships.isMember(key, NameRule.key(user)) ? Optional.of(known) : Optional.empty();
    }

    /**
     * The group's name, if the user belongs to it: 404 for no such group, 403 for a non-member.
     * A member is recognised from memory; only a "no" is confirmed in the database, whose
     * projection a join made on another replica reaches before that join is answered, while this
     * replica may apply it a moment later (a post right after leaving on another replica can slip
     * through within that moment; see docs/architecture.md).
     */
    public String requireMember(String name, String user) {
        return knownMembership(name, user).orElseGet(() -> {
            Group group = find(name);
            if (!repository.isMember(group.id(), user)) {
                throw ProblemException.forbidden("only members of '" + group.name() + "' may do this");
            }
            return group.name();
        });
    }

    /** Whether the user owns the group: its creator (SPEC: the creator is its owner). */
    public boolean isOwner(String name, String user) {
        return NameRule.key(find(name).createdBy()).equals(NameRule.key(user));
    }

    /** The keys of the user's groups, from memory. */
    public List<String> groupKeysOf(String user) {
        return memberships.groupsOf(NameRule.key(user));
    }
}
