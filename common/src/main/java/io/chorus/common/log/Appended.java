package io.chorus.common.log;

/**
 * What an append to a log came to: the stored entry, and whether this append created it or a
 * repeated clientId found an earlier one (201 or 200 on the API).
 */
public record Appended<E>(E entry, boolean created) {
}
