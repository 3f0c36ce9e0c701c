package io.chorus.gateway.group;

/**
 * A join or leave, as announced on the bus to every gateway replica (topic membership/...).
 * {@code origin} names the gateway that made it: that gateway applied it already, and skips its
 * own echo, which could otherwise arrive after a newer change by the same user and undo it.
 */
public record MembershipChange(String group, String user, boolean member, String origin) {

    public MembershipChange(String group, String user, boolean member) {
        this(group, user, member, null);
    }

    public MembershipChange from(String gateway) {
        return new MembershipChange(group, user, member, gateway);
    }
}
