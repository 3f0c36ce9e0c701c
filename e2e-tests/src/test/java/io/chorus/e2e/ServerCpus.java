package io.chorus.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * The cores the servers under test run on, for benchmarks: with {@code -Dchorus.server-cpus=0}
 * (bin/bench sets it, and runs the load tool itself on the remaining core) every service and nginx
 * start under {@code taskset -c 0}, so the client's own CPU does not disturb what is measured.
 * Unset (tests, CI): commands run as given.
 */
final class ServerCpus {

    private static final String CPUS = System.getProperty("chorus.server-cpus", "");

    private ServerCpus() {
    }

    static List<String> pinned(List<String> command) {
        if (CPUS.isBlank()) {
            return command;
        }
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", CPUS));
        pinned.addAll(command);
        return pinned;
    }

    static String describe() {
        return CPUS.isBlank() ? "not pinned: client and servers share every core" : "servers on CPU " + CPUS
                + " (taskset), the load tool on the others (this JVM sees " + Runtime.getRuntime().availableProcessors()
                + "); a JVM on one CPU picks the serial collector";
    }
}
