package io.chorus.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other end-to-end suite (its own failsafe execution, see the pom): the logs
 * every service wrote during this build's runs hold no token, password or key. It looks for any
 * JWT (its header and payload are base64 JSON, "eyJ..."), the passwords the test clients use, a
 * PEM private key, and, by value, every secret of every cluster the suites started (the internal
 * credential, the bus's secret keys, the signing key), which ChorusCluster notes in
 * target/cluster-secrets.txt.
 */
class LogsHoldNoSecretsIT {

    private static final Pattern ANY_SECRET = Pattern.compile(
            "eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}|password-of-|wonderland|builder123|BEGIN PRIVATE KEY");

    @Test
    void noServiceLogHoldsATokenPasswordOrKey() throws IOException {
        Path logs = ChorusCluster.SECRETS_SEEN.resolveSibling("service-logs");
        assertTrue(Files.isDirectory(logs) && Files.exists(ChorusCluster.SECRETS_SEEN),
                "no end-to-end run left logs to check: run this after the other suites (mvn verify does)");
        List<String> secrets = Files.readAllLines(ChorusCluster.SECRETS_SEEN).stream().filter(line -> !line.isBlank()).toList();
        List<String> found = new ArrayList<>();
        long lines = 0;
        int files = 0;
        try (Stream<Path> all = Files.list(logs)) {
            for (Path file : all.filter(f -> f.toString().endsWith(".log")).toList()) {
                files++;
                // Logs may hold any bytes a hostile client sent: read them leniently.
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String line : content.split("\n")) {
                    lines++;
                    if (ANY_SECRET.matcher(line).find() || secrets.stream().anyMatch(line::contains)) {
                        found.add(file.getFileName() + ": " + (line.length() > 300 ? line.substring(0, 300) + "..." : line));
                    }
                }
            }
        }
        System.out.printf("log check: %d lines in %d service logs, %d secrets looked for by value, %d found%n",
                lines, files, secrets.size(), found.size());
        // Each service must have logged its start, or an empty directory would pass; a count of
        // lines would not do, as a run of one suite (bin/bench) logs little.
        for (String service : ChorusCluster.SERVICES) {
            Path log = logs.resolve(service + ".log");
            assertTrue(Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains("started in"),
                    () -> service + " left no log of its start in " + logs + " to check");
        }
        assertEquals(List.of(), found.stream().limit(20).toList());
    }
}
