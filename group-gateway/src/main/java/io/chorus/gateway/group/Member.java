package io.chorus.gateway.group;

import java.time.Instant;

public record Member(String name, Instant joinedAt) {
}
