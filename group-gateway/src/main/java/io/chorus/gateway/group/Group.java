package io.chorus.gateway.group;

import java.time.Instant;

public record Group(long id, String name, String createdBy, Instant createdAt, int memberCount) {
}
