package io.chorus.common.log;

/** The internal log API's head, the same for both logs: {@code {"position":N}}, 0 for an empty log. */
public record LogPosition(long position) {
}
