package io.chorus.history.service;

import io.chorus.common.message.GroupMessage;

/** The stored message; {@code created} is false when a repeated clientId returned the first one. */
public record Appended(GroupMessage message, boolean created) {
}
