package io.chorus.common.message;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Someone typing (SPEC, Live streams): ephemeral, never stored. On the bus and on a group
 * stream, {@link InGroup}; on the bus for a DM, {@link InDm}, which a stream shows as
 * {@link Shown}, naming the conversation as its receiver sees it.
 */
public final class Typing {

    private Typing() {
    }

    /** {@code user} is typing in {@code group}: the bus payload and the group event's data. */
    @RegisterForReflection
    public record InGroup(String group, String user) {
    }

    /** {@code from} is typing to {@code to}: the bus payload of DM typing. */
    @RegisterForReflection
    public record InDm(String from, String to) {
    }

    /** A DM typing event as a stream shows it: {@code peer} is the other party of the receiver's conversation. */
    @RegisterForReflection
    public record Shown(String peer, String user) {
    }
}
