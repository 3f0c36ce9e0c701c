package io.chorus.gateway.group;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import io.chorus.gateway.repository.GroupRepository;
import java.util.List;
import java.util.function.Consumer;

/** The group rules: names, who may create, join, leave, and who counts as a member. */
public class Groups {

    private final GroupRepository repository;
    private final Consumer<MembershipChange> announce;

    /** @param announce told of every join and leave, so live streams follow membership at once */
    public Groups(GroupRepository repository, Consumer<MembershipChange> announce) {
        this.repository = repository;
        this.announce = announce;
    }

    public Group create(String name, String creator) {
        if (!NameRule.isValid(name)) {
            throw ProblemException.invalid("name must be " + NameRule.DESCRIPTION);
        }
        Group group = repository.create(name, creator)
                .orElseThrow(() -> ProblemException.conflict("a group named '" + name + "' exists"));
        announce.accept(new MembershipChange(group.name(), creator, true));
        return group;
    }

    public List<Group> list(String onlyOfMember) {
        return onlyOfMember == null ? repository.all() : repository.of(onlyOfMember);
    }

    public Group find(String name) {
        if (!NameRule.isValid(name)) {
            throw ProblemException.notFound("no group named '" + name + "'");
        }
        return repository.find(name).orElseThrow(() -> ProblemException.notFound("no group named '" + name + "'"));
    }

    public List<Member> members(String name) {
        return repository.members(find(name).id());
    }

    /** Idempotent: joining twice is one membership. */
    public Group join(String name, String user) {
        Group group = find(name);
        if (repository.join(group.id(), user)) {
            announce.accept(new MembershipChange(group.name(), user, true));
        }
        return group;
    }

    /** Idempotent: leaving a group you are not in changes nothing. */
    public void leave(String name, String user) {
        Group group = find(name);
        if (repository.leave(group.id(), user)) {
            announce.accept(new MembershipChange(group.name(), user, false));
        }
    }

    /** The group, if the user belongs to it: 404 for no such group, 403 for a non-member. */
    public Group requireMember(String name, String user) {
        Group group = find(name);
        if (!repository.isMember(group.id(), user)) {
            throw ProblemException.forbidden("only members of '" + group.name() + "' may do this");
        }
        return group;
    }
}
