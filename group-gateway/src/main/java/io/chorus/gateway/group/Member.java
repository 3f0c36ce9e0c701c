package io.chorus.gateway.group;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

@RegisterForReflection
public record Member(String name, Instant joinedAt) {
}
