package io.chorus.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.testing.LocalPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's run command itself: starts four ready services, refuses a second copy, stops on SIGTERM. */
class RunCommandIT {

    private final Path root = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();

    @Test
    void startsAllFourServicesRefusesASecondRunAndStopsOnSigterm() throws Exception {
        Path state = Files.createTempDirectory("chorus-run");
        String prefix = LocalPostgres.TEST_DATABASE_PREFIX + "run_" + UUID.randomUUID().toString().substring(0, 6) + "_";
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : new String[] {"USER", "DM", "GATEWAY", "HISTORY", "BUS_XSUB", "BUS_XPUB"}) {
            ports.put(name, freePort());
        }
        Path log = state.resolve("run.out");
        Process run = start(state, prefix, ports, log);
        try {
            HttpClient http = HttpClient.newHttpClient();
            await("bin/run reports Chorus running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !run.isAlive() || Files.readString(log).contains("Chorus is running"));
            assertTrue(run.isAlive(), () -> "bin/run exited: " + read(log));
            for (String service : new String[] {"USER", "DM", "GATEWAY", "HISTORY"}) {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ports.get(service) + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ready.statusCode(), service + ": " + ready.body());
            }
            assertTrue(read(log).contains("http://localhost:" + ports.get("GATEWAY")), "prints the URLs");

            Path secondLog = state.resolve("second.out");
            Process second = start(state, prefix, ports, secondLog);
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue());
            assertTrue(read(secondLog).contains("already running"), read(secondLog));

            run.destroy();
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "bin/run stops on SIGTERM");
            for (String service : new String[] {"USER", "DM", "GATEWAY", "HISTORY"}) {
                assertTrue(isClosed(ports.get(service)), service + " stopped with it");
            }
        } finally {
            if (run.isAlive()) {
                run.destroyForcibly();
            }
            for (String database : new String[] {"users", "dms", "gateway", "history"}) {
                LocalPostgres.dropDatabase(prefix + database);
            }
        }
    }

    private Process start(Path state, String prefix, Map<String, Integer> ports, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("bin/run").toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("CHORUS_STATE_DIR", state.toString());
        env.put("CHORUS_DB_PREFIX", prefix);
        ports.forEach((name, port) -> env.put("CHORUS_" + name + "_PORT", String.valueOf(port)));
        env.put("JAVA_HOME", ProcessHandle.current().info().command().map(java -> Path.of(java).getParent().getParent().toString())
                .orElse(System.getProperty("java.home")));
        return builder.start();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean isClosed(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
