package io.chorus.e2e;

import static org.awaitility.Awaitility.await;

import io.chorus.testing.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * The README's run command, started as a user starts it (bash bin/run), on free ports with its
 * own state directory and throwaway databases. Knows the services it started by their jar on
 * the command line, so tests can kill, stop and find them as an operator would.
 */
final class RunCommand implements AutoCloseable {

    /** The port names bin/run reads as CHORUS_<name>_PORT, and the replica's HTTP port. */
    static final List<String> HTTP = List.of("USER", "DM", "GATEWAY", "GATEWAY_1", "HISTORY");

    private final Path root = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path state;
    private final String prefix;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Path log;
    private final Process process;

    private final Map<String, String> environment;

    private RunCommand(int gateways, Map<String, String> environment) throws IOException {
        this.environment = Map.copyOf(environment);
        state = Files.createTempDirectory("chorus-run");
        prefix = LocalPostgres.TEST_DATABASE_PREFIX + "run_" + UUID.randomUUID().toString().substring(0, 6) + "_";
        ports.put("USER", freePort());
        ports.put("DM", freePort());
        ports.put("HISTORY", freePort());
        // Replica i listens on base + 100 i, for HTTP and for its bus proxy alike.
        ports.put("GATEWAY", freePortWithReplica());
        ports.put("BUS_XSUB", freePortWithReplica());
        for (int i = 1; i < gateways; i++) {
            ports.put("GATEWAY_" + i, ports.get("GATEWAY") + 100 * i);
        }
        log = state.resolve("run.out");
        process = start(log, gateways);
    }

    /** Starts bin/run with this many gateway replicas and waits until it says Chorus is running. */
    static RunCommand start(int gateways) throws IOException {
        return start(gateways, Map.of());
    }

    /** With extra environment for bin/run (and so for every service), e.g. CHORUS_LIMITS=off. */
    static RunCommand start(int gateways, Map<String, String> environment) throws IOException {
        RunCommand run = new RunCommand(gateways, environment);
        try {
            await("bin/run reports Chorus running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !run.process.isAlive() || run.output().contains("Chorus is running"));
            if (!run.process.isAlive()) {
                throw new AssertionError("bin/run exited: " + run.output() + run.serviceLogs());
            }
            return run;
        } catch (RuntimeException | Error e) {
            run.close();
            throw e;
        }
    }

    /** The end of every service's log in bin/run's state directory, for a failure message. */
    private String serviceLogs() {
        try (var logs = Files.list(state.resolve("logs"))) {
            StringBuilder all = new StringBuilder();
            logs.sorted().forEach(log -> all.append("\n--- last lines of ").append(log).append(":\n").append(ServiceLogs.tail(log)));
            return all.toString();
        } catch (IOException e) {
            return "\n(no service logs: " + e + ")";
        }
    }

    /** A second bin/run on the same state directory and ports (it must refuse). */
    Process startAgain(Path output) throws IOException {
        return start(output, 1);
    }

    private Process start(Path output, int gateways) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("bin/run").toString(),
                "--gateways", String.valueOf(gateways))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.put("CHORUS_STATE_DIR", state.toString());
        env.put("CHORUS_DB_PREFIX", prefix);
        env.putAll(environment);
        ports.forEach((name, port) -> env.put("CHORUS_" + name + "_PORT", String.valueOf(port)));
        env.put("JAVA_HOME", ProcessHandle.current().info().command()
                .map(java -> Path.of(java).getParent().getParent().toString())
                .orElse(System.getProperty("java.home")));
        return builder.start();
    }

    Process process() {
        return process;
    }

    int port(String name) {
        return ports.get(name);
    }

    String url(String name) {
        return "http://127.0.0.1:" + ports.get(name);
    }

    Path state() {
        return state;
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java process bin/run started for that instance's jar ("history-service", "group-gateway", ...). */
    ProcessHandle service(String module) {
        List<ProcessHandle> found = process.descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("/" + module + "/target/quarkus-app/"))
                .toList();
        if (found.size() != 1) {
            throw new IllegalStateException(found.size() + " processes of " + module);
        }
        return found.getFirst();
    }

    /** The gateway replica serving HTTP on this port (replicas share a jar; their port tells them apart). */
    ProcessHandle gatewayOn(String name) {
        String port = "QUARKUS_HTTP_PORT=" + ports.get(name);
        return process.descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("/group-gateway/target/quarkus-app/"))
                .filter(p -> environment(p).lines().anyMatch(port::equals))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no gateway on " + port));
    }

    /** Sends a signal (STOP, CONT, ...) to a service, as an operator would; answers kill's exit status. */
    static int signal(String signal, ProcessHandle process) throws IOException, InterruptedException {
        return new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor();
    }

    private static String environment(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc/" + process.pid() + "/environ")).replace('\0', '\n');
        } catch (IOException e) {
            return "";
        }
    }

    int status(String name, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url(name) + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    boolean isReady(String name) {
        return status(name, "/q/health/ready") == 200;
    }

    /** Waits until bin/run has started a new process for the instance and it is ready. */
    void awaitRestarted(String name, ProcessHandle before, java.util.function.Supplier<ProcessHandle> current) {
        await(name + " restarted by bin/run").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> current.get().pid() != before.pid() && isReady(name));
    }

    /** One HTTP call with a JSON body (or none) and a bearer token (or none). */
    HttpResponse<String> call(String base, String method, String path, String token, String body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Registers the user on user-service and returns their access token. */
    String signUp(String name) throws IOException {
        String body = "{\"name\":\"" + name + "\",\"password\":\"password-of-" + name + "\"}";
        HttpResponse<String> created = call(url("USER"), "POST", "/api/users", null, body);
        if (created.statusCode() != 201) {
            throw new AssertionError("sign-up: " + created.statusCode() + " " + created.body());
        }
        return io.restassured.path.json.JsonPath.from(call(url("USER"), "POST", "/api/auth/token", null, body).body())
                .getString("accessToken");
    }

    static boolean isClosed(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (String database : new String[] {"users", "dms", "gateway", "history"}) {
            LocalPostgres.dropDatabase(prefix + database);
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
                    continue;
                }
            }
        }
        throw new IllegalStateException("no free port pair");
    }
}
