package io.chorus.dm.service;

import io.chorus.common.message.DirectMessage;

/** The stored DM; {@code created} is false when a repeated clientId returned the first one. */
public record Sent(DirectMessage message, boolean created) {
}
