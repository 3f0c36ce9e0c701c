package io.chorus.common.log;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The internal log API's head, the same for both logs: {@code {"position":N}}, 0 for an empty log. */
@RegisterForReflection
public record LogPosition(long position) {
}
