package io.chorus.common.log;

import java.util.List;

/**
 * The internal log API's page, the same for both logs: {@code GET /internal/messages} and
 * {@code GET /internal/dms} answer {@code {"entries":[...]}}, oldest first.
 */
public record LogEntries<E>(List<E> entries) {
}
