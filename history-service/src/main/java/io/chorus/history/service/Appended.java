package io.chorus.history.service;

import io.chorus.common.message.GroupLogEntry;

/** The stored entry; {@code created} is false when a repeated clientId returned the first one. */
public record Appended(GroupLogEntry entry, boolean created) {
}
