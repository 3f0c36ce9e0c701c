package io.chorus.gateway.group;

/** A join or leave, as announced on the bus to every gateway replica (topic membership/...). */
public record MembershipChange(String group, String user, boolean member) {
}
