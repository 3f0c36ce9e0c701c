package io.chorus.user.service;

import java.time.Instant;

public record User(String name, String passwordHash, Instant createdAt) {
}
