package io.chorus.gateway.stream;

/** The two logs a gateway follows. */
public record Logs(LogFollower groups, LogFollower dms) {
}
