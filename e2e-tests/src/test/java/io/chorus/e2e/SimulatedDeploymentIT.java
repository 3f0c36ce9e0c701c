package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.chorus.testing.LocalPostgres;
import io.chorus.testing.ServiceSecrets;
import io.chorus.testing.SigningKeys;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * helm/chorus installed the way Kubernetes would run it, simulated on this machine, so that a
 * chart that would make a broken system fails here. The chart is rendered in-process (helm-java);
 * each service's pod gets exactly what its rendered pod spec gives it: its environment (the
 * ConfigMaps and Secrets it names, {@code $(VAR)} expansion, service links), its secret and
 * ConfigMap volumes (written to a temporary directory, and every mount path in its environment
 * and command rewritten to there), its init containers run first as commands, then the packaged
 * service with nothing else in its environment. Cluster host names the chart uses (the Services,
 * the headless Service the publishers resolve, the database host) are mapped to 127.0.0.1 for
 * each kind of client: a hosts file for the JVMs, PGHOSTADDR for libpq, a .curlrc for curl. Then
 * the probes, the chart's own {@code helm test} pod (the quickstart) and a post that reaches a
 * live stream over the bus. Anything in a pod spec the simulation does not understand fails it,
 * as does anything Kubernetes would refuse or leave a pod waiting for (a missing Secret key, a
 * Service that selects no pod, a host name no Service has).
 */
class SimulatedDeploymentIT {

    private static final Path ROOT = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
    private static final Path CHART = ROOT.resolve("helm/chorus");
    private static final String NAMESPACE = "messaging";
    private static final String CLUSTER_DOMAIN = "cluster.local";
    /** The external PostgreSQL's host name, as the chart is told it; the local server plays it. */
    private static final String DATABASE_HOST = "postgres";
    /** Where every Service and pod of the simulated cluster listens. */
    private static final String LOOPBACK = "127.0.0.1";
    private static final List<String> SERVICES = List.of("user-service", "dm-service", "history-service", "group-gateway");
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    private static final String HELM_HOOK = "helm.sh/hook";
    private static final String SIMULATED_HOOK = "simulated.chorus.io/helm-hook";

    @Test
    void runsTheQuickstartWithSecretsGivenInValues() throws Exception {
        SigningKeys keys = SigningKeys.generate();
        ServiceSecrets secrets = ServiceSecrets.generate();
        Map<String, Object> values = new LinkedHashMap<>();
        put(values, "jwt.privateKey", Files.readString(keys.privateKeyFile()));
        put(values, "jwt.publicKey", Files.readString(keys.publicKeyFile()));
        put(values, "internalCredential.value", secrets.internalCredential());
        put(values, "bus.keys.serverPublic", secrets.busServer().publicKey());
        put(values, "bus.keys.serverSecret", secrets.busServer().secretKey());
        put(values, "bus.keys.historyPublic", secrets.historyPublisher().publicKey());
        put(values, "bus.keys.historySecret", secrets.historyPublisher().secretKey());
        put(values, "bus.keys.dmPublic", secrets.dmPublisher().publicKey());
        put(values, "bus.keys.dmSecret", secrets.dmPublisher().secretKey());
        try (Release release = new Release("given-secrets", values)) {
            release.install();
            for (String service : SERVICES) {
                assertEquals(secrets.internalCredential(), release.environment(service, "CHORUS_INTERNAL_CREDENTIAL"),
                        "the internal credential " + service + " gets is the given one");
            }
            release.passesTheChartsHelmTest();
            release.deliversAPostToALiveStreamOverTheBus();
        } finally {
            Files.deleteIfExists(keys.privateKeyFile());
            Files.deleteIfExists(keys.publicKeyFile());
        }
    }

    @Test
    void runsTheQuickstartWithTheSecretsTheChartGenerates() throws Exception {
        try (Release release = new Release("generated-secrets", Map.of())) {
            release.install();
            // The chart made every secret itself: the pods run on what it generated.
            assertTrue(release.secret("chorus-jwt", "private.pem").contains("PRIVATE KEY-----"), "a generated signing key");
            String credential = release.secret("chorus-internal", "credential");
            assertFalse(credential.isBlank(), "a generated internal credential");
            for (String service : SERVICES) {
                assertEquals(credential, release.environment(service, "CHORUS_INTERNAL_CREDENTIAL"),
                        "the internal credential " + service + " gets is the generated one");
            }
            for (String role : List.of("server", "history", "dm")) {
                assertEquals(40, release.secret("chorus-bus-keys", role + "-secret").length(), "a generated " + role + " bus key");
            }
            release.passesTheChartsHelmTest();
            release.deliversAPostToALiveStreamOverTheBus();
        }
    }

    /**
     * One install of the chart, simulated: rendered, its pods' init containers run, its services
     * started as processes. Closing stops them, drops the databases and deletes every file.
     */
    private static final class Release implements AutoCloseable {

        private final String variant;
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Integer> ports = new LinkedHashMap<>();
        private final Map<String, String> databases = new LinkedHashMap<>();
        private final Map<String, Process> processes = new LinkedHashMap<>();
        private final Map<String, Pod> pods = new LinkedHashMap<>();
        private final Path work;
        private final Path serviceLogs;
        private final Path outputs;
        private Rendered rendered;
        private List<Map<String, Object>> helmTests;
        private ClusterNames names;

        Release(String variant, Map<String, Object> secretValues) throws IOException {
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
                pods.put(service, new Pod(rendered, rendered.workload(service), work.resolve(service)));
            }
            names = new ClusterNames(rendered, work.resolve("hosts"));
            for (Pod pod : pods.values()) {
                pod.containers().forEach(names::collect);
                pod.initContainers().forEach(names::collect);
            }
            helmTests = renderHelmTests();
            assertFalse(helmTests.isEmpty(), "the chart has no helm test pod");
            for (Map<String, Object> test : helmTests) {
                new Pod(rendered, test, work.resolve("helm-test-" + Rendered.name(test))).containers().forEach(names::collect);
            }
            names.writeHostsFile();

            for (String service : SERVICES) {
                assertFalse(databaseExists(databases.get(service)), "a fresh database name for " + service);
            }
            for (Pod pod : pods.values()) {
                for (Container init : pod.initContainers()) {
                    run(init, outputs.resolve(pod.name + "." + init.name + ".log"), Duration.ofSeconds(60));
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

        private Rendered render() throws IOException {
            Path valuesFile = work.resolve("values.yaml");
            // A values file, not --set: a Z85 key may start with "{" or hold ",", which --set parses.
            Files.writeString(valuesFile, new Yaml().dump(values));
            String yaml = template(CHART, valuesFile);
            Files.writeString(outputs.resolve("rendered.yaml"), yaml);
            return Rendered.parse(yaml);
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
            return Rendered.parse(yaml).ofKind("Pod").stream()
                    .filter(pod -> String.valueOf(Rendered.path(pod, "metadata", "annotations", SIMULATED_HOOK)).contains("test"))
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
                rendered.secretData(Rendered.name(secret)).orElseThrow().forEach((key, value) -> {
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
        private String run(Container container, Path output, Duration timeout) throws Exception {
            if (container.command.isEmpty()) {
                throw new AssertionError(container + " has no command: the simulation cannot know its image's entrypoint");
            }
            ProcessBuilder builder = new ProcessBuilder(container.command)
                    .directory(container.workingDirectory.toFile())
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
            Pod pod = pods.get(service);
            Container main = pod.container(service);
            if (!main.command.isEmpty()) {
                throw new AssertionError(main + " overrides its image's command (" + main.command
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
                    .directory(main.workingDirectory.toFile())
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
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest ready = HttpRequest.newBuilder(URI.create(url(service) + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build();
            Process process = processes.get(service);
            try {
                await(service + " ready").atMost(READY_WITHIN).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptionsInstanceOf(IOException.class)
                        .until(() -> !process.isAlive() || http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(service + " did not become ready in " + READY_WITHIN.toSeconds() + " s"
                        + ServiceLogs.explain(service, url(service), log(service)), e);
            }
            if (!process.isAlive()) {
                throw new AssertionError(service + " exited with " + process.exitValue() + " during start"
                        + ServiceLogs.explain(service, url(service), log(service)));
            }
        }

        /** The startup, liveness and readiness probes of the pod spec, as the kubelet sends them, answer 200. */
        private void assertProbesAnswer(String service) throws Exception {
            Container main = pods.get(service).container(service);
            HttpClient http = HttpClient.newHttpClient();
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Map<String, Object> spec = Rendered.map(main.spec.get(probe));
                if (spec == null) {
                    continue;
                }
                Map<String, Object> get = Rendered.map(spec.get("httpGet"));
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
                Pod pod = new Pod(rendered, test, work.resolve("helm-test-" + Rendered.name(test)));
                for (Container container : pod.initContainers()) {
                    run(container, outputs.resolve(pod.name + "." + container.name + ".log"), Duration.ofSeconds(60));
                }
                for (Container container : pod.containers()) {
                    String said = run(container, outputs.resolve(pod.name + "." + container.name + ".log"), Duration.ofSeconds(120));
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
    }

    /** The rendered Kubernetes objects, with the lookups the simulation needs. */
    private record Rendered(List<Map<String, Object>> objects) {

        static Rendered parse(String yaml) {
            List<Map<String, Object>> objects = new ArrayList<>();
            for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
                if (document != null) {
                    objects.add(map(document));
                }
            }
            return new Rendered(objects);
        }

        List<Map<String, Object>> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        Optional<Map<String, Object>> find(String kind, String name) {
            return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
        }

        /** The pod template of a service's Deployment or StatefulSet, as a pod (with the pod's name). */
        Map<String, Object> workload(String service) {
            Map<String, Object> workload = find("Deployment", service).or(() -> find("StatefulSet", service))
                    .orElseThrow(() -> new AssertionError("no Deployment or StatefulSet named " + service));
            Map<String, Object> template = map(path(workload, "spec", "template"));
            Map<String, Object> pod = new LinkedHashMap<>(template);
            Map<String, Object> metadata = new LinkedHashMap<>(Optional.ofNullable(map(template.get("metadata"))).orElse(Map.of()));
            // A StatefulSet's first pod is <name>-0; a Deployment's has a generated suffix.
            metadata.put("name", "StatefulSet".equals(workload.get("kind")) ? service + "-0" : service + "-5b7d9c6f4-sim0");
            pod.put("metadata", metadata);
            pod.put("kind", "Pod");
            return pod;
        }

        /** A ConfigMap's data, or empty when the chart renders none of that name. */
        Optional<Map<String, String>> configMapData(String name) {
            return find("ConfigMap", name).map(configMap -> {
                Map<String, String> data = new LinkedHashMap<>();
                Optional.ofNullable(map(configMap.get("data"))).orElse(Map.of())
                        .forEach((key, value) -> data.put(key, string(value, "data." + key + " of ConfigMap " + name)));
                return data;
            });
        }

        /** A Secret's values (data decoded, stringData as is), or empty when the chart renders none of that name. */
        Optional<Map<String, String>> secretData(String name) {
            return find("Secret", name).map(secret -> {
                Map<String, String> data = new LinkedHashMap<>();
                Optional.ofNullable(map(secret.get("data"))).orElse(Map.of()).forEach((key, value) -> data.put(key,
                        new String(Base64.getDecoder().decode(string(value, "data." + key + " of Secret " + name)), StandardCharsets.UTF_8)));
                Optional.ofNullable(map(secret.get("stringData"))).orElse(Map.of())
                        .forEach((key, value) -> data.put(key, string(value, "stringData." + key + " of Secret " + name)));
                return data;
            });
        }

        /**
         * Every Service selects pods of a workload, and each of its ports reaches a container
         * port. Here nothing translates ports (no kube-proxy): a Service's port must also be the
         * container's, which the chart does for every Service.
         */
        void assertServicesReachTheirPods() {
            List<Map<String, Object>> templates = Stream.of("Deployment", "StatefulSet").flatMap(kind -> ofKind(kind).stream())
                    .map(workload -> map(path(workload, "spec", "template"))).toList();
            for (Map<String, Object> service : ofKind("Service")) {
                Map<String, Object> selector = map(path(service, "spec", "selector"));
                assertNotNull(selector, "Service " + name(service) + " has no selector");
                List<Map<String, Object>> selected = templates.stream()
                        .filter(template -> labels(template).entrySet().containsAll(selector.entrySet())).toList();
                assertFalse(selected.isEmpty(), "Service " + name(service) + " selects no pod: " + selector);
                for (Object entry : list(path(service, "spec", "ports"))) {
                    Map<String, Object> port = map(entry);
                    Object target = port.getOrDefault("targetPort", port.get("port"));
                    for (Map<String, Object> template : selected) {
                        int containerPort = containerPort(template, target)
                                .orElseThrow(() -> new AssertionError("Service " + name(service) + " targets port " + target
                                        + ", which no container of its pods has"));
                        assertEquals(port.get("port"), containerPort, "Service " + name(service) + " port " + port
                                + ": the simulation has no kube-proxy, so a Service's port must be its container's");
                    }
                }
            }
            for (Map<String, Object> statefulSet : ofKind("StatefulSet")) {
                Object governing = path(statefulSet, "spec", "serviceName");
                if (governing != null) {
                    assertTrue(find("Service", String.valueOf(governing)).isPresent(),
                            "StatefulSet " + name(statefulSet) + " names the Service " + governing + ", which the chart does not make");
                }
            }
        }

        private static Map<String, Object> labels(Map<String, Object> template) {
            return Optional.ofNullable(map(path(template, "metadata", "labels"))).orElse(Map.of());
        }

        private static Optional<Integer> containerPort(Map<String, Object> template, Object target) {
            for (Object container : list(path(template, "spec", "containers"))) {
                for (Object entry : list(map(container).get("ports"))) {
                    Map<String, Object> port = map(entry);
                    if (target.equals(port.get("name")) || target.equals(port.get("containerPort"))) {
                        return Optional.of((Integer) port.get("containerPort"));
                    }
                }
            }
            return Optional.empty();
        }

        static String name(Map<String, Object> object) {
            return (String) path(object, "metadata", "name");
        }

        static Object path(Object node, Object... keys) {
            Object current = node;
            for (Object key : keys) {
                if (current instanceof Map<?, ?> map) {
                    current = map.get(key);
                } else {
                    return null;
                }
            }
            return current;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> map(Object node) {
            return (Map<String, Object>) node;
        }

        @SuppressWarnings("unchecked")
        static List<Object> list(Object node) {
            return node == null ? List.of() : (List<Object>) node;
        }

        /** Kubernetes takes only strings in env values, ConfigMap data and stringData: a number there is refused. */
        static String string(Object value, String where) {
            if (value == null) {
                return "";
            }
            if (!(value instanceof String text)) {
                throw new AssertionError(where + " is " + value + " (" + value.getClass().getSimpleName()
                        + "), not a string: the Kubernetes API refuses it");
            }
            return text;
        }
    }

    /**
     * One container as it would run: its command, its environment, its mounts (mount path to the
     * local directory standing for it), with every mount path in its environment and command
     * rewritten to the local directory.
     */
    private record Container(String pod, String name, List<String> command, Map<String, String> environment,
                             Set<String> declared, Map<String, Path> mounts, Path workingDirectory, Path home,
                             Map<String, Object> spec) {

        /** The local directory or file standing for a path in the container, if a volume is mounted there. */
        Optional<Path> localPath(String containerPath) {
            return Optional.ofNullable(mounts.get(containerPath));
        }

        int port(Object nameOrNumber) {
            if (nameOrNumber instanceof Integer number) {
                return number;
            }
            return Rendered.list(spec.get("ports")).stream().map(Rendered::map)
                    .filter(port -> nameOrNumber.equals(port.get("name"))).map(port -> (Integer) port.get("containerPort"))
                    .findFirst().orElseThrow(() -> new AssertionError(this + " has no port named " + nameOrNumber));
        }

        @Override
        public String toString() {
            return "container " + name + " of pod " + pod;
        }
    }

    /** A pod: its volumes written to a directory, its containers read from its spec. */
    private static final class Pod {

        final String name;
        private final Rendered rendered;
        private final Map<String, Object> spec;
        private final Path directory;
        private final Map<String, Path> volumes = new LinkedHashMap<>();

        Pod(Rendered rendered, Map<String, Object> pod, Path directory) {
            this.rendered = rendered;
            this.name = Rendered.name(pod);
            this.spec = Rendered.map(pod.get("spec"));
            this.directory = directory;
            try {
                Files.createDirectories(directory);
                for (Object volume : Rendered.list(spec.get("volumes"))) {
                    materialise(Rendered.map(volume));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<Container> initContainers() {
            return Rendered.list(spec.get("initContainers")).stream().map(c -> container(Rendered.map(c))).toList();
        }

        List<Container> containers() {
            return Rendered.list(spec.get("containers")).stream().map(c -> container(Rendered.map(c))).toList();
        }

        Container container(String containerName) {
            return containers().stream().filter(c -> c.name.equals(containerName)).findFirst()
                    .orElseThrow(() -> new AssertionError("pod " + name + " has no container " + containerName));
        }

        /** A volume's content, written where the pod's mounts of it point. */
        private void materialise(Map<String, Object> volume) throws IOException {
            String volumeName = (String) volume.get("name");
            Path target = Files.createDirectories(directory.resolve("volumes").resolve(volumeName));
            volumes.put(volumeName, target);
            Set<String> types = new LinkedHashSet<>(volume.keySet());
            types.remove("name");
            if (types.equals(Set.of("secret"))) {
                Map<String, Object> source = Rendered.map(volume.get("secret"));
                String secretName = (String) source.get("secretName");
                writeItems("Secret " + secretName, rendered.secretData(secretName), source, target, volumeName);
            } else if (types.equals(Set.of("configMap"))) {
                Map<String, Object> source = Rendered.map(volume.get("configMap"));
                String configMapName = (String) source.get("name");
                writeItems("ConfigMap " + configMapName, rendered.configMapData(configMapName), source, target, volumeName);
            } else if (!types.equals(Set.of("emptyDir"))) {
                throw new AssertionError("volume " + volumeName + " of pod " + name + " is of a type the simulation does not understand: "
                        + types + " (it knows secret, configMap and emptyDir)");
            }
        }

        private void writeItems(String what, Optional<Map<String, String>> data, Map<String, Object> source, Path target,
                                String volumeName) throws IOException {
            boolean optional = Boolean.TRUE.equals(source.get("optional"));
            if (data.isEmpty()) {
                if (optional) {
                    return;
                }
                throw new AssertionError("volume " + volumeName + " of pod " + name + " needs " + what
                        + ", which the chart does not make: the pod would never start");
            }
            Map<String, String> items = new LinkedHashMap<>();
            Map<String, Integer> modes = new LinkedHashMap<>();
            if (source.get("items") == null) {
                data.get().keySet().forEach(key -> items.put(key, key));
            } else {
                for (Object entry : Rendered.list(source.get("items"))) {
                    Map<String, Object> item = Rendered.map(entry);
                    String key = (String) item.get("key");
                    if (!data.get().containsKey(key)) {
                        if (optional) {
                            continue;
                        }
                        throw new AssertionError("volume " + volumeName + " of pod " + name + " needs the key " + key + " of " + what
                                + ", which has only " + data.get().keySet() + ": the pod would never start");
                    }
                    items.put(key, (String) item.get("path"));
                    if (item.get("mode") instanceof Integer mode) {
                        modes.put(key, mode);
                    }
                }
            }
            int defaultMode = source.get("defaultMode") instanceof Integer mode ? mode : 0644;
            for (Map.Entry<String, String> item : items.entrySet()) {
                Path file = target.resolve(item.getValue()).normalize();
                assertTrue(file.startsWith(target), "item path " + item.getValue() + " of volume " + volumeName + " leaves it");
                Files.createDirectories(file.getParent());
                Files.writeString(file, data.get().get(item.getKey()));
                Files.setPosixFilePermissions(file, permissions(modes.getOrDefault(item.getKey(), defaultMode)));
            }
        }

        private Container container(Map<String, Object> container) {
            String containerName = (String) container.get("name");
            String where = "container " + containerName + " of pod " + name;
            Map<String, Path> mounts = new TreeMap<>();
            for (Object entry : Rendered.list(container.get("volumeMounts"))) {
                Map<String, Object> mount = Rendered.map(entry);
                Set<String> understood = Set.of("name", "mountPath", "readOnly");
                if (!understood.containsAll(mount.keySet())) {
                    throw new AssertionError(where + " mounts " + mount + ": the simulation understands only " + understood);
                }
                Path local = volumes.get((String) mount.get("name"));
                if (local == null) {
                    throw new AssertionError(where + " mounts volume " + mount.get("name") + ", which the pod does not have");
                }
                mounts.put((String) mount.get("mountPath"), local);
            }
            Set<String> declared = new LinkedHashSet<>();
            Map<String, String> environment = environment(container, where, declared);
            environment.replaceAll((key, value) -> rewrite(value, mounts));
            List<String> command = new ArrayList<>();
            Stream.of("command", "args").flatMap(key -> Rendered.list(container.get(key)).stream())
                    .map(part -> rewrite(Rendered.string(part, "command of " + where), mounts)).forEach(command::add);
            try {
                Path home = Files.createDirectories(directory.resolve("home").resolve(containerName));
                Path workingDirectory = container.get("workingDir") == null ? home
                        : Path.of(rewrite((String) container.get("workingDir"), mounts));
                return new Container(name, containerName, command, environment, declared, mounts, workingDirectory, home, container);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The environment the kubelet gives a container: service links, then envFrom, then env
         * (with $(VAR) expanded from what comes before), then the pod's host name.
         */
        private Map<String, String> environment(Map<String, Object> container, String where, Set<String> declared) {
            Map<String, String> serviceLinks = Boolean.FALSE.equals(spec.get("enableServiceLinks")) ? Map.of() : serviceLinks();
            Map<String, String> defined = new LinkedHashMap<>();
            for (Object entry : Rendered.list(container.get("envFrom"))) {
                Map<String, Object> source = Rendered.map(entry);
                String prefix = Objects.toString(source.get("prefix"), "");
                Set<String> kinds = new LinkedHashSet<>(source.keySet());
                kinds.remove("prefix");
                Map<String, Object> reference;
                Optional<Map<String, String>> data;
                String what;
                if (kinds.equals(Set.of("configMapRef"))) {
                    reference = Rendered.map(source.get("configMapRef"));
                    what = "ConfigMap " + reference.get("name");
                    data = rendered.configMapData((String) reference.get("name"));
                } else if (kinds.equals(Set.of("secretRef"))) {
                    reference = Rendered.map(source.get("secretRef"));
                    what = "Secret " + reference.get("name");
                    data = rendered.secretData((String) reference.get("name"));
                } else {
                    throw new AssertionError(where + " takes envFrom " + source + ", which the simulation does not understand");
                }
                if (data.isEmpty() && !Boolean.TRUE.equals(reference.get("optional"))) {
                    throw new AssertionError(where + " takes its environment from " + what
                            + ", which the chart does not make: the pod would never start");
                }
                data.orElse(Map.of()).forEach((key, value) -> defined.put(prefix + key, value));
            }
            for (Object entry : Rendered.list(container.get("env"))) {
                Map<String, Object> variable = Rendered.map(entry);
                String variableName = (String) variable.get("name");
                String of = "env " + variableName + " of " + where;
                if (variable.get("valueFrom") == null) {
                    Map<String, String> known = new LinkedHashMap<>(serviceLinks);
                    known.putAll(defined);
                    defined.put(variableName, expand(Rendered.string(variable.get("value"), of), known));
                    continue;
                }
                Map<String, Object> from = Rendered.map(variable.get("valueFrom"));
                if (from.keySet().equals(Set.of("secretKeyRef")) || from.keySet().equals(Set.of("configMapKeyRef"))) {
                    boolean secret = from.containsKey("secretKeyRef");
                    Map<String, Object> reference = Rendered.map(from.get(secret ? "secretKeyRef" : "configMapKeyRef"));
                    String objectName = (String) reference.get("name");
                    String key = (String) reference.get("key");
                    Optional<String> value = (secret ? rendered.secretData(objectName) : rendered.configMapData(objectName))
                            .map(data -> data.get(key));
                    if (value.isPresent()) {
                        defined.put(variableName, value.get());
                    } else if (!Boolean.TRUE.equals(reference.get("optional"))) {
                        throw new AssertionError(of + " needs the key " + key + " of " + (secret ? "Secret " : "ConfigMap ") + objectName
                                + ", which the chart does not make: the pod would never start");
                    }
                } else if (from.keySet().equals(Set.of("fieldRef"))) {
                    String field = (String) Rendered.map(from.get("fieldRef")).get("fieldPath");
                    defined.put(variableName, switch (field) {
                        case "metadata.name" -> name;
                        case "metadata.namespace" -> NAMESPACE;
                        case "status.podIP" -> LOOPBACK;
                        default -> throw new AssertionError(of + " takes the field " + field + ", which the simulation does not know");
                    });
                } else {
                    throw new AssertionError(of + " takes its value from " + from + ", which the simulation does not understand");
                }
            }
            declared.addAll(defined.keySet());
            Map<String, String> environment = new LinkedHashMap<>(serviceLinks);
            environment.putAll(defined);
            environment.put("HOSTNAME", name);
            return environment;
        }

        /** The variables Kubernetes gives every pod for each Service of its namespace with a cluster IP. */
        private Map<String, String> serviceLinks() {
            Map<String, String> links = new LinkedHashMap<>();
            links.put("KUBERNETES_SERVICE_HOST", LOOPBACK);
            links.put("KUBERNETES_SERVICE_PORT", "443");
            links.put("KUBERNETES_SERVICE_PORT_HTTPS", "443");
            links.put("KUBERNETES_PORT", "tcp://" + LOOPBACK + ":443");
            links.put("KUBERNETES_PORT_443_TCP", "tcp://" + LOOPBACK + ":443");
            links.put("KUBERNETES_PORT_443_TCP_PROTO", "tcp");
            links.put("KUBERNETES_PORT_443_TCP_PORT", "443");
            links.put("KUBERNETES_PORT_443_TCP_ADDR", LOOPBACK);
            for (Map<String, Object> service : rendered.ofKind("Service")) {
                if ("None".equals(Rendered.path(service, "spec", "clusterIP"))) {
                    continue;
                }
                String prefix = Rendered.name(service).toUpperCase(Locale.ROOT).replace('-', '_');
                List<Object> ports = Rendered.list(Rendered.path(service, "spec", "ports"));
                for (int i = 0; i < ports.size(); i++) {
                    Map<String, Object> port = Rendered.map(ports.get(i));
                    String number = String.valueOf(port.get("port"));
                    String protocol = Objects.toString(port.get("protocol"), "TCP");
                    String address = protocol.toLowerCase(Locale.ROOT) + "://" + LOOPBACK + ":" + number;
                    if (i == 0) {
                        links.put(prefix + "_SERVICE_HOST", LOOPBACK);
                        links.put(prefix + "_SERVICE_PORT", number);
                        links.put(prefix + "_PORT", address);
                    }
                    if (port.get("name") != null) {
                        links.put(prefix + "_SERVICE_PORT_" + ((String) port.get("name")).toUpperCase(Locale.ROOT).replace('-', '_'), number);
                    }
                    String each = prefix + "_PORT_" + number + "_" + protocol;
                    links.put(each, address);
                    links.put(each + "_PROTO", protocol.toLowerCase(Locale.ROOT));
                    links.put(each + "_PORT", number);
                    links.put(each + "_ADDR", LOOPBACK);
                }
            }
            return links;
        }
    }

    /**
     * The cluster's host names the pods use, each checked to be one a pod in the namespace could
     * resolve (a Service of the release, in any of its forms, or the database host the chart was
     * given), all mapped to 127.0.0.1 for each kind of client.
     */
    private static final class ClusterNames {

        private static final Pattern URL_HOST = Pattern.compile("(?:https?|tcp)://([A-Za-z0-9.-]+)(?::(\\d+))?");

        private final Rendered rendered;
        private final Path hostsFile;
        private final String databaseAddress;
        /** Host name to the ports used with it. */
        private final Map<String, Set<Integer>> names = new TreeMap<>();

        ClusterNames(Rendered rendered, Path hostsFile) throws IOException {
            this.rendered = rendered;
            this.hostsFile = hostsFile;
            this.databaseAddress = InetAddress.getByName(LocalPostgres.host()).getHostAddress();
        }

        /** Notes every host name in what the chart gives the container: URLs, tcp:// endpoints and PGHOST. */
        void collect(Container container) {
            container.declared().forEach(variable -> {
                String value = container.environment().get(variable);
                Matcher url = URL_HOST.matcher(value);
                while (url.find()) {
                    int port = url.group(2) != null ? Integer.parseInt(url.group(2)) : value.startsWith("https") ? 443 : 80;
                    note(url.group(1), port, "env " + variable + " of " + container);
                }
            });
            String pgHost = container.environment().get("PGHOST");
            if (container.declared().contains("PGHOST")) {
                note(pgHost, Integer.parseInt(container.environment().getOrDefault("PGPORT", "5432")), "env PGHOST of " + container);
            }
        }

        private void note(String host, int port, String where) {
            if (host.matches("[0-9.]+") || host.equals("localhost")) {
                throw new AssertionError(where + " points at " + host + ":" + port + ", which in a pod is the pod itself");
            }
            if (!host.equals(DATABASE_HOST)) {
                String service = host.split("\\.", 2)[0];
                String domain = host.contains(".") ? host.substring(service.length() + 1) : "";
                Map<String, Object> found = rendered.find("Service", service)
                        .filter(s -> List.of("", NAMESPACE, NAMESPACE + ".svc", NAMESPACE + ".svc." + CLUSTER_DOMAIN).contains(domain))
                        .orElseThrow(() -> new AssertionError(where + " names the host " + host
                                + ", which is no Service of the release in namespace " + NAMESPACE + " nor the database host"));
                boolean hasPort = Rendered.list(Rendered.path(found, "spec", "ports")).stream()
                        .anyMatch(p -> Objects.equals(port, Rendered.map(p).get("port")));
                assertTrue(hasPort, where + " uses port " + port + " of Service " + service + ", which has no such port");
            }
            names.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(port);
        }

        Path hostsFile() {
            return hostsFile;
        }

        /** Where a name goes: the database host to the PostgreSQL the tests use, every Service to this machine. */
        private String address(String host) {
            return host.equals(DATABASE_HOST) ? databaseAddress : LOOPBACK;
        }

        /** For the JVMs (jdk.net.hosts.file): every name above, plus this machine's own, as in a pod's /etc/hosts. */
        void writeHostsFile() throws IOException {
            Set<String> all = new LinkedHashSet<>(List.of("localhost"));
            all.add(localHostName());
            StringBuilder hosts = new StringBuilder();
            for (String host : names.keySet()) {
                if (address(host).equals(LOOPBACK)) {
                    all.add(host);
                } else {
                    hosts.append(address(host)).append(' ').append(host).append('\n');
                }
            }
            Files.writeString(hostsFile, LOOPBACK + " " + String.join(" ", all) + "\n" + hosts);
        }

        private static String localHostName() throws IOException {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        }

        /**
         * The process environment of a simulated container: only what the pod spec gives it, plus
         * PATH and a HOME of its own, and the name mapping for the clients that do not read the
         * JVM's hosts file: libpq (PGHOSTADDR, when PGHOST is a mapped name) and curl (.curlrc).
         */
        void environmentFor(Container container, Map<String, String> environment, boolean jvm) throws IOException {
            environment.clear();
            environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
            environment.put("HOME", container.home().toString());
            environment.putAll(container.environment());
            String pgHost = container.environment().get("PGHOST");
            if (!jvm && pgHost != null && names.containsKey(pgHost)) {
                environment.put("PGHOSTADDR", address(pgHost));
            }
            StringBuilder curlrc = new StringBuilder();
            names.forEach((host, ports) -> ports.forEach(port ->
                    curlrc.append("resolve = \"").append(host).append(':').append(port).append(':').append(address(host)).append("\"\n")));
            Files.writeString(container.home().resolve(".curlrc"), curlrc);
        }
    }

    /** Kubernetes' $(VAR) expansion: defined names are replaced, others left as written, $$ is a $. */
    static String expand(String input, Map<String, String> defined) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c != '$' || i + 1 >= input.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = input.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '(' && input.indexOf(')', i + 2) >= 0) {
                int close = input.indexOf(')', i + 2);
                String variable = input.substring(i + 2, close);
                out.append(defined.getOrDefault(variable, "$(" + variable + ")"));
                i = close + 1;
            } else {
                out.append(c).append(next);
                i += 2;
            }
        }
        return out.toString();
    }

    /** Every mount path in a value (whole, or a path under it) rewritten to its local directory, in one pass. */
    static String rewrite(String value, Map<String, Path> mounts) {
        if (mounts.isEmpty()) {
            return value;
        }
        String alternatives = mounts.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|"));
        Matcher matcher = Pattern.compile("(?<![A-Za-z0-9._/-])(" + alternatives + ")(?=/|$|[^A-Za-z0-9._-])").matcher(value);
        return matcher.replaceAll(match -> Matcher.quoteReplacement(mounts.get(match.group(1)).toString()));
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

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }

    private static boolean databaseExists(String database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(LocalPostgres.jdbcUrl("postgres"), LocalPostgres.user(), LocalPostgres.password());
             PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet result = query.executeQuery()) {
                return result.next();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path directory) {
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
