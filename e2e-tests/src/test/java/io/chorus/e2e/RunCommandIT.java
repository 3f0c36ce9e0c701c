package io.chorus.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.testing.LocalPostgres;
import io.restassured.path.json.JsonPath;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command itself, with two gateway replicas: it starts every service, refuses a
 * second copy, supervises what it started (a killed or hung service comes back while the others
 * keep serving, posts meanwhile get a fast 503), and stops everything on SIGTERM within 30 s.
 */
class RunCommandIT {

    private static final List<String> SERVICES = List.of("USER", "DM", "GATEWAY", "GATEWAY_1", "HISTORY");

    private final Path root = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void startsReplicasSupervisesTheServicesAndStopsOnSigterm() throws Exception {
        Path state = Files.createTempDirectory("chorus-run");
        String prefix = LocalPostgres.TEST_DATABASE_PREFIX + "run_" + UUID.randomUUID().toString().substring(0, 6) + "_";
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("USER", freePort());
        ports.put("DM", freePort());
        ports.put("HISTORY", freePort());
        // Replica i listens on base + 100 i, for HTTP and for its bus proxy alike.
        ports.put("GATEWAY", freePortWithReplica());
        ports.put("BUS_XSUB", freePortWithReplica());
        ports.put("BUS_XPUB", freePortWithReplica());
        ports.put("GATEWAY_1", ports.get("GATEWAY") + 100);
        Path log = state.resolve("run.out");
        Process run = start(state, prefix, ports, log);
        try {
            await("bin/run reports Chorus running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !run.isAlive() || Files.readString(log).contains("Chorus is running"));
            assertTrue(run.isAlive(), () -> "bin/run exited: " + read(log));
            for (String service : SERVICES) {
                assertEquals(200, status(ports.get(service), "/q/health/ready"), service + " ready");
            }
            assertTrue(read(log).contains("http://localhost:" + ports.get("GATEWAY_1")), "prints every replica's URL");

            Path secondLog = state.resolve("second.out");
            Process second = start(state, prefix, ports, secondLog);
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue());
            assertTrue(read(secondLog).contains("already running"), read(secondLog));

            String token = signUp(ports.get("USER"), "ann-" + UUID.randomUUID().toString().substring(0, 6));
            String group = "supervised-" + UUID.randomUUID().toString().substring(0, 6);
            assertEquals(201, call(ports.get("GATEWAY"), "POST", "/api/groups", token, "{\"name\":\"" + group + "\"}").statusCode());

            // kill -9: the others keep serving, a post gets a 503 problem at once, and the supervisor restarts it.
            ProcessHandle history = service(run, "history-service");
            history.destroyForcibly();
            awaitGone(history);
            assertFastUnavailable(ports.get("GATEWAY_1"), group, token, "killed-1");
            assertEquals(200, status(ports.get("USER"), "/q/health/ready"), "user-service keeps serving");
            ProcessHandle restarted = awaitRestarted(run, "history-service", history, ports.get("HISTORY"));
            HttpResponse<String> retried = postMessage(ports.get("GATEWAY"), group, token, "killed-1");
            assertEquals(201, retried.statusCode(), retried.body());

            // SIGSTOP is a hang, not a crash: posts still fail fast, and the liveness check gets it killed and restarted.
            new ProcessBuilder("kill", "-STOP", String.valueOf(restarted.pid())).start().waitFor();
            assertFastUnavailable(ports.get("GATEWAY"), group, token, "hung-1");
            awaitRestarted(run, "history-service", restarted, ports.get("HISTORY"));
            assertEquals(201, postMessage(ports.get("GATEWAY_1"), group, token, "hung-1").statusCode());
            assertEquals(200, postMessage(ports.get("GATEWAY_1"), group, token, "hung-1").statusCode(),
                    "a repeated clientId returns the stored message");

            JsonPath page = JsonPath.from(call(ports.get("GATEWAY"), "GET", "/api/groups/" + group + "/messages", token, null).body());
            assertEquals(List.of("killed-1", "hung-1"), page.getList("messages.text"), "each acknowledged post exactly once");
            assertTrue(read(log).contains("restarting history-service"), read(log));

            long stopping = System.nanoTime();
            run.destroy();
            assertTrue(run.waitFor(30, TimeUnit.SECONDS), "bin/run stops on SIGTERM within 30 s");
            System.out.printf("bin/run stopped %d services in %d ms%n", SERVICES.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
            for (String service : SERVICES) {
                assertTrue(isClosed(ports.get(service)), service + " stopped with it");
            }
        } finally {
            if (run.isAlive()) {
                run.descendants().forEach(ProcessHandle::destroyForcibly);
                run.destroyForcibly();
            }
            for (String database : new String[] {"users", "dms", "gateway", "history"}) {
                LocalPostgres.dropDatabase(prefix + database);
            }
        }
    }

    private void assertFastUnavailable(int gateway, String group, String token, String clientId) throws Exception {
        long begun = System.nanoTime();
        HttpResponse<String> refused = postMessage(gateway, group, token, clientId);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun);
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "says when to retry");
        assertTrue(millis < 2000, "answered in " + millis + " ms");
    }

    private ProcessHandle awaitRestarted(Process run, String module, ProcessHandle before, int port) {
        await(module + " restarted by bin/run").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> service(run, module).pid() != before.pid() && status(port, "/q/health/ready") == 200);
        return service(run, module);
    }

    private static void awaitGone(ProcessHandle process) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    }

    /** The java process bin/run started for that module (the jar is on its command line). */
    private static ProcessHandle service(Process run, String module) {
        List<ProcessHandle> found = run.descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("/" + module + "/target/quarkus-app/"))
                .toList();
        if (found.size() != 1) {
            throw new IllegalStateException(found.size() + " processes of " + module);
        }
        return found.getFirst();
    }

    private String signUp(int port, String name) throws Exception {
        String body = "{\"name\":\"" + name + "\",\"password\":\"password-of-" + name + "\"}";
        assertEquals(201, call(port, "POST", "/api/users", null, body).statusCode());
        return JsonPath.from(call(port, "POST", "/api/auth/token", null, body).body()).getString("accessToken");
    }

    private HttpResponse<String> postMessage(int gateway, String group, String token, String clientId) throws Exception {
        return call(gateway, "POST", "/api/groups/" + group + "/messages", token,
                "{\"text\":\"" + clientId + "\",\"clientId\":\"" + clientId + "\"}");
    }

    private HttpResponse<String> call(int port, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(int port, String path) throws Exception {
        return call(port, "GET", path, null, null).statusCode();
    }

    private Process start(Path state, String prefix, Map<String, Integer> ports, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("bin/run").toString(), "--gateways", "2")
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

    /** A free port whose neighbour 100 above is free too (the second replica's). */
    private static int freePortWithReplica() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort();
            if (port + 100 <= 65535 && isClosed(port + 100)) {
                try (ServerSocket probe = new ServerSocket(port + 100)) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no free port pair");
    }
}
