package io.chorus.common.log;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The internal log API's page, the same for both logs: {@code GET /internal/messages} and
 * {@code GET /internal/dms} answer {@code {"entries":[...]}}, oldest first.
 */
@RegisterForReflection
public record LogEntries<E>(List<E> entries) {
}
