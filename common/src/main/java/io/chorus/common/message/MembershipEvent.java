package io.chorus.common.message;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** A join or leave as streams show it: the data of {@code member-joined} / {@code member-left}. */
@RegisterForReflection
public record MembershipEvent(String group, String member, Instant at) {
}
