package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.chorus.testing.LocalPostgres;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * One install of the chart, simulated: rendered, its pods' init containers run, its services
 * started as processes. Closing stops them, drops the databases and deletes every file.
 */
final class SimulatedRelease implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
    static final Path CHART = ROOT.resolve("helm/chorus");
    static final String NAMESPACE = "messaging";
    static final String CLUSTER_DOMAIN = "cluster.local";
    /** The external PostgreSQL's host name, as the chart is told it; the local server plays it. */
    static final String DATABASE_HOST = "postgres";
    /** Where every Service and pod of the simulated cluster listens. */
    static final String LOOPBACK = "127.0.0.1";
    static final List<String> SERVICES = List.of("user-service", "dm-service", "history-service", "group-gateway");
    static final String HELM_HOOK = "helm.sh/hook";
    static final String SIMULATED_HOOK = "simulated.chorus.io/helm-hook";

    private final String variant;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> databases = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, SimulatedPod> pods = new LinkedHashMap<>();
    private final Path work;
    private final Path serviceLogs;
    private final Path outputs;
    private RenderedChart rendered;
    private List<Map<String, Object>> helmTests;
    private ClusterNames names;

    SimulatedRelease(String variant, Map<String, Object> secretValues) throws IOException {
        this.variant = variant;
        work = Files.createTempDirectory("chorus-sim-" + variant + "-");
        serviceLogs = Files.createDirectories(ROOT.resolve("e2e-tests/target/service-logs"));
        outputs = Files.createDirectories(ROOT.resolve("e2e-tests/target/simulated-deployment").resolve(variant));
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        for (String service : SERVICES) {
            ports.put(service, freePort());
            databases.put(service, LocalPostgres.TEST_DATABASE_PREFIX + "sim_" + run + "_"
                    + service.replace("-service", "").replace('-', '_'));
        }
        put(values, "postgresql.enabled", false);
        put(values, "database.host", DATABASE_HOST);
        put(values, "database.user", LocalPostgres.user());
        put(values, "database.port", Integer.parseInt(LocalPostgres.port()));
        if (!LocalPostgres.password().isEmpty()) {
            put(values, "database.password", LocalPostgres.password());
        }
        for (String service : SERVICES) {
            put(values, "services." + service + ".port", ports.get(service));
            put(values, "services." + service + ".database", databases.get(service));
        }
        put(values, "services.group-gateway.busXsubPort", freePort());
        put(values, "services.group-gateway.replicaCount", 1);
        // Heartbeats every second: a test stream counts as connected once one arrives.
        put(values, "services.group-gateway.streamHeartbeat", "PT1S");
        secretValues.forEach((key, value) -> put(values, key, value));
    }

    /** Renders the chart, runs each pod's init containers, starts the services and waits for them. */
    void install() throws Exception {
        rendered = render();
        recordSecrets();
        rendered.assertServicesReachTheirPods();
        for (String service : SERVICES) {
            pods.put(service, new SimulatedPod(rendered, rendered.workload(service), work.resolve(service)));
        }
        names = new ClusterNames(rendered, work.resolve("hosts"));
        for (SimulatedPod pod : pods.values()) {
            pod.containers().forEach(names::collect);
            pod.initContainers().forEach(names::collect);
        }
        helmTests = renderHelmTests();
        assertFalse(helmTests.isEmpty(), "the chart has no helm test pod");
        for (Map<String, Object> test : helmTests) {
            new SimulatedPod(rendered, test, work.resolve("helm-test-" + RenderedChart.name(test))).containers().forEach(names::collect);
        }
        names.writeHostsFile();

        for (String service : SERVICES) {
            assertFalse(databaseExists(databases.get(service)), "a fresh database name for " + service);
        }
        for (SimulatedPod pod : pods.values()) {
            for (SimulatedContainer init : pod.initContainers()) {
                run(init, outputs.resolve(pod.name + "." + init.name() + ".log"), Duration.ofSeconds(60));
            }
        }
        for (String service : SERVICES) {
            assertTrue(databaseExists(databases.get(service)),
                    "the init containers of " + service + " did not create its database " + databases.get(service));
        }

        for (String service : SERVICES) {
            start(service);
        }
        for (String service : SERVICES) {
            awaitReady(service);
        }
        for (String service : SERVICES) {
            assertProbesAnswer(service);
        }
    }

    private RenderedChart render() throws IOException {
        Path valuesFile = work.resolve("values.yaml");
        // A values file, not --set: a Z85 key may start with "{" or hold ",", which --set parses.
        Files.writeString(valuesFile, new Yaml().dump(values));
        String yaml = template(CHART, valuesFile);
        Files.writeString(outputs.resolve("rendered.yaml"), yaml);
        return RenderedChart.parse(yaml);
    }

    /**
     * The chart's `helm test` pods. helm-java's template leaves hooks out, so they come from a
     * copy of the chart whose only change is the hook annotation's name: rendered as plain
     * objects, with the same values.
     */
    private List<Map<String, Object>> renderHelmTests() throws IOException {
        Path copy = work.resolve("chart-with-hooks-rendered");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (CHART.relativize(file).startsWith("templates")) {
                    Files.writeString(target, Files.readString(file).replace(HELM_HOOK, SIMULATED_HOOK));
                } else {
                    Files.copy(file, target);
                }
            }
        }
        String yaml = template(copy, work.resolve("values.yaml"));
        Files.writeString(outputs.resolve("rendered-hooks.yaml"), yaml);
        return RenderedChart.parse(yaml).ofKind("Pod").stream()
                .filter(pod -> String.valueOf(RenderedChart.path(pod, "metadata", "annotations", SIMULATED_HOOK)).contains("test"))
                .toList();
    }

    private static String template(Path chart, Path valuesFile) {
        return new Helm(chart).template()
                .withName("chorus")
                .withNamespace(NAMESPACE)
                .withKubeVersion("v1.31.0")
                .withValuesFile(valuesFile)
                .call();
    }

    /** A variable of a service's container, as the simulated pod got it. */
    String environment(String service, String variable) {
        return pods.get(service).container(service).environment().get(variable);
    }

    String secret(String name, String key) {
        return Objects.requireNonNull(rendered.secretData(name).orElseThrow(() -> new AssertionError("no Secret " + name)).get(key),
                () -> "no key " + key + " in Secret " + name);
    }

    /**
     * Notes every secret value the chart rendered where LogsHoldNoSecretsIT, which runs after
     * the other suites, looks for them in the services' logs (public keys are no secret).
     */
    private void recordSecrets() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> secret : rendered.ofKind("Secret")) {
            rendered.secretData(RenderedChart.name(secret)).orElseThrow().forEach((key, value) -> {
                if (key.endsWith("public") || key.endsWith("public.pem") || value.isBlank()) {
                    return;
                }
                value.lines().filter(line -> !line.startsWith("-----") && !line.isBlank()).findFirst().ifPresent(lines::add);
            });
        }
        Files.createDirectories(ChorusCluster.SECRETS_SEEN.getParent());
        Files.write(ChorusCluster.SECRETS_SEEN, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Runs a container's command to its end, as its image would; it must exit 0. */
    private String run(SimulatedContainer container, Path output, Duration timeout) throws Exception {
        if (container.command().isEmpty()) {
            throw new AssertionError(container + " has no command: the simulation cannot know its image's entrypoint");
        }
        ProcessBuilder builder = new ProcessBuilder(container.command())
                .directory(container.workingDirectory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        names.environmentFor(container, builder.environment(), false);
        Process process = builder.start();
        boolean ended = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String said = Files.readString(output);
        if (!ended || process.exitValue() != 0) {
            throw new AssertionError(container + " " + (ended ? "exited with " + process.exitValue() : "did not end in " + timeout)
                    + "; its output:\n" + said);
        }
        return said;
    }

    private void start(String service) throws IOException {
        SimulatedPod pod = pods.get(service);
        SimulatedContainer main = pod.container(service);
        if (!main.command().isEmpty()) {
            throw new AssertionError(main + " overrides its image's command (" + main.command()
                    + "): the simulation only runs the image's own, java -jar quarkus-run.jar");
        }
        Path jar = ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (the test command does)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
                // Names resolve from this file only, so only the names mapped here resolve; Vert.x
                // (the REST clients) then asks the JDK too instead of its own DNS client.
                "-Djdk.net.hosts.file=" + names.hostsFile(), "-Dvertx.disableDnsResolver=true"));
        // The container's /tmp is a volume (its root file system is read-only).
        main.localPath("/tmp").ifPresent(tmp -> command.add("-Djava.io.tmpdir=" + tmp));
        command.addAll(List.of("-jar", jar.toString()));
        Path log = log(service);
        Files.deleteIfExists(log);
        ProcessBuilder builder = new ProcessBuilder(ServerCpus.pinned(command))
                .directory(main.workingDirectory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        names.environmentFor(main, builder.environment(), true);
        processes.put(service, builder.start());
    }

    private Path log(String service) {
        return serviceLogs.resolve("sim-" + variant + "-" + service + ".log");
    }

    private String url(String service) {
        return "http://" + LOOPBACK + ":" + pods.get(service).container(service).port("http");
    }

    private void awaitReady(String service) {
        ServiceReadiness.await(service, url(service), processes.get(service), log(service));
    }

    /** The startup, liveness and readiness probes of the pod spec, as the kubelet sends them, answer 200. */
    private void assertProbesAnswer(String service) throws Exception {
        SimulatedContainer main = pods.get(service).container(service);
        HttpClient http = HttpClient.newHttpClient();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> spec = RenderedChart.map(main.spec().get(probe));
            if (spec == null) {
                continue;
            }
            Map<String, Object> get = RenderedChart.map(spec.get("httpGet"));
            if (get == null) {
                throw new AssertionError(probe + " of " + main + " is not an httpGet probe: the simulation does not understand " + spec.keySet());
            }
            Set<String> understood = Set.of("path", "port", "scheme");
            if (!understood.containsAll(get.keySet()) || !"HTTP".equals(get.getOrDefault("scheme", "HTTP"))) {
                throw new AssertionError(probe + " of " + main + ": the simulation understands only " + understood
                        + " (HTTP), not " + get);
            }
            String url = "http://" + LOOPBACK + ":" + main.port(get.get("port")) + get.get("path");
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), probe + " of " + main + " (" + url + ") answered " + answer.body());
        }
    }

    /** The chart's `helm test` pod, run as its container would run: the quickstart, against the Services. */
    void passesTheChartsHelmTest() throws Exception {
        for (Map<String, Object> test : helmTests) {
            SimulatedPod pod = new SimulatedPod(rendered, test, work.resolve("helm-test-" + RenderedChart.name(test)));
            for (SimulatedContainer container : pod.initContainers()) {
                run(container, outputs.resolve(pod.name + "." + container.name() + ".log"), Duration.ofSeconds(60));
            }
            for (SimulatedContainer container : pod.containers()) {
                String said = run(container, outputs.resolve(pod.name + "." + container.name() + ".log"), Duration.ofSeconds(120));
                System.out.printf("%s: helm test %s passed:%n%s%n", variant, container, said.strip());
            }
        }
    }

    /** Two users, a group, a live stream: the post reaches it through the bus (history-service to the gateway's proxy). */
    void deliversAPostToALiveStreamOverTheBus() throws Exception {
        String users = url("user-service");
        String gateway = url("group-gateway");
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String alice = signUp(users, "alice-" + suffix);
        String bob = signUp(users, "bob-" + suffix);
        String group = "simulated-" + suffix;
        given().auth().oauth2(alice).contentType(ContentType.JSON).body("{\"name\":\"" + group + "\"}")
                .post(gateway + "/api/groups").then().statusCode(201);
        given().auth().oauth2(bob).put(gateway + "/api/groups/" + group + "/members/me").then().statusCode(200);
        try (SseClient stream = SseClient.connect(gateway + "/api/events", bob)) {
            String text = "over the bus " + suffix;
            given().auth().oauth2(alice).contentType(ContentType.JSON).body("{\"text\":\"" + text + "\"}")
                    .post(gateway + "/api/groups/" + group + "/messages").then().statusCode(201);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            SseClient.Event seen;
            do {
                seen = stream.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } while (!seen.data().contains(text));
            assertEquals("group-message", seen.event(), "the post's event: line");
            assertNotNull(seen.id(), "the post's id: line");
            assertFalse(seen.id().isBlank(), "the post's id: line");
        }
    }

    private static String signUp(String users, String name) {
        String body = "{\"name\":\"" + name + "\",\"password\":\"password-of-" + name + "\"}";
        given().contentType(ContentType.JSON).body(body).post(users + "/api/users").then().statusCode(201);
        return given().contentType(ContentType.JSON).body(body).post(users + "/api/auth/token")
                .then().statusCode(200).extract().path("accessToken");
    }

    @Override
    public void close() {
        // SIGTERM to all (as Kubernetes stops pods), then wait; kill whatever is still running.
        processes.values().forEach(Process::destroy);
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        for (String database : databases.values()) {
            try {
                LocalPostgres.dropDatabase(database);
            } catch (IllegalStateException e) {
                System.err.println("cannot drop " + database + " (CI sweeps chorus_test_*): " + e.getMessage());
            }
        }
        deleteRecursively(work);
    }

    /** Puts a dotted key ("services.group-gateway.port") into nested maps, as Helm's --set would. */
    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> values, String dottedKey, Object value) {
        String[] keys = dottedKey.split("\\.");
        Map<String, Object> current = values;
        for (int i = 0; i < keys.length - 1; i++) {
            current = (Map<String, Object>) current.computeIfAbsent(keys[i], k -> new LinkedHashMap<String, Object>());
        }
        current.put(keys[keys.length - 1], value);
    }

    static boolean databaseExists(String database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(LocalPostgres.jdbcUrl("postgres"), LocalPostgres.user(), LocalPostgres.password());
             PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet result = query.executeQuery()) {
                return result.next();
            }
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("cannot delete " + directory + ": " + e);
        }
    }
}
