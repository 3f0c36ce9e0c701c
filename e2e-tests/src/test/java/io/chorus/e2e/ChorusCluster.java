package io.chorus.e2e;

import io.chorus.testing.LocalPostgres;
import io.chorus.testing.ServiceSecrets;
import io.chorus.testing.SigningKeys;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The four services as separate processes, started the way bin/run starts them (the packaged
 * quarkus-run.jar, configured by environment), each with its own throwaway database, on free
 * ports, with a freshly generated key pair and service secrets (internal credential, bus keys).
 * A service can be restarted alone.
 */
public final class ChorusCluster implements AutoCloseable {

    public static final List<String> SERVICES = List.of("group-gateway", "history-service", "user-service", "dm-service");
    private static final String GATEWAY = "group-gateway";

    private final Path root = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
    private final Path logs;
    /** The environment that switches the per-user rate limits off (SPEC: CHORUS_LIMITS=off). */
    static final Map<String, String> PER_USER_LIMITS_OFF = Map.of("CHORUS_LIMITS", "off");

    /** Every secret of every cluster this build started, one per line (LogsHoldNoSecretsIT). */
    static final Path SECRETS_SEEN = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize()
            .resolve("e2e-tests/target/cluster-secrets.txt");
    private final SigningKeys keys = SigningKeys.generate();
    private final ServiceSecrets secrets = ServiceSecrets.generate();
    private final Map<String, String> environment;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> databases = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final List<String> instances = new ArrayList<>();
    private final Map<String, Integer> busPorts = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> overrides = new java.util.concurrent.ConcurrentHashMap<>();

    private ChorusCluster(int gateways, Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        try {
            logs = Files.createDirectories(root.resolve("e2e-tests/target/service-logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Replicas of the gateway are "group-gateway", "group-gateway-2", ...: one database, a proxy each.
        for (int i = 1; i <= gateways; i++) {
            String gateway = i == 1 ? GATEWAY : GATEWAY + "-" + i;
            instances.add(gateway);
            busPorts.put(gateway, freePort());
        }
        instances.addAll(SERVICES.subList(1, SERVICES.size()));
        for (String instance : instances) {
            ports.put(instance, freePort());
        }
    }

    public static ChorusCluster start() {
        return start(1);
    }

    /** The services with this many gateway replicas; publishers publish to every replica's proxy. */
    public static ChorusCluster start(int gateways) {
        return start(gateways, Map.of());
    }

    /** With extra environment for every service, e.g. CHORUS_LIMITS=off for a benchmark. */
    public static ChorusCluster start(int gateways, Map<String, String> environment) {
        ChorusCluster cluster = new ChorusCluster(gateways, environment);
        try {
            cluster.recordSecrets();
            for (String service : SERVICES) {
                cluster.databases.put(service, LocalPostgres.createThrowawayDatabase("e2e_" + service));
            }
            cluster.instances.forEach(cluster::launch);
            cluster.instances.forEach(cluster::awaitReady);
            return cluster;
        } catch (RuntimeException | Error e) {
            // A service that never became ready fails with an AssertionError: stop what did start
            // too, or its processes outlive the test and hold the CPU and ports of the next one.
            cluster.close();
            throw e;
        }
    }

    public String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    /** Every process of the cluster: the gateway replicas, then the other services. */
    public List<String> instances() {
        return List.copyOf(instances);
    }

    public SigningKeys keys() {
        return keys;
    }

    public ServiceSecrets secrets() {
        return secrets;
    }

    /**
     * Notes this cluster's secrets where LogsHoldNoSecretsIT, which runs after every other suite,
     * looks for them in the services' logs. Outside the logs' directory, under target/.
     */
    private void recordSecrets() {
        try {
            List<String> lines = new ArrayList<>(secrets.all());
            Files.readAllLines(keys.privateKeyFile()).stream().filter(line -> !line.startsWith("-----"))
                    .findFirst().ifPresent(lines::add);
            Files.write(SECRETS_SEEN, lines, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The name of a service's (throwaway) database. */
    public String database(String service) {
        return databases.get(module(service));
    }

    /** The file a service's output goes to. */
    public Path log(String service) {
        return logs.resolve(service + ".log");
    }

    /** The bus port (the proxy's XSUB, CURVE) of a gateway replica. */
    public int busPort(String gateway) {
        return busPorts.get(gateway);
    }

    /** The operating-system process id of a running service (benchmarks read its memory from /proc). */
    public long pid(String service) {
        Process process = processes.get(service);
        if (process == null) {
            throw new IllegalStateException(service + " is not running");
        }
        return process.pid();
    }

    /** Stops the service (SIGTERM, as Kubernetes does), starts it again and waits until it is ready. */
    public void restart(String service) {
        stop(service);
        start(service);
    }

    /**
     * Extra environment for the service's next launches (a restart), on top of the cluster's;
     * an empty map takes it back.
     */
    public void configure(String service, Map<String, String> environment) {
        overrides.put(service, Map.copyOf(environment));
    }

    /** Starts a stopped service again and waits until it is ready. */
    public void start(String service) {
        launch(service);
        awaitReady(service);
    }

    /** Kills the service at once (SIGKILL): a crash, with no shutdown of any kind. */
    public void kill(String service) {
        Process process = processes.remove(service);
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String module(String instance) {
        return instance.startsWith(GATEWAY) ? GATEWAY : instance;
    }

    private void launch(String service) {
        Path jar = root.resolve(module(service)).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (the test command does)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        // As the run command does: the package's AOT cache when the build made one (pom.xml,
        // profile aot-cache) and this JDK reads one; a cache that does not match the jars or the
        // JVM is ignored by the JVM, with a warning.
        Path aotCache = jar.resolveSibling("app.aot");
        if (Files.exists(aotCache) && Runtime.version().feature() >= 25) {
            command.add("-XX:AOTCache=" + aotCache);
        }
        command.addAll(serviceJvmOptions(service));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(ServerCpus.pinned(command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(service + ".log").toFile()));
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(service)));
        env.put("CHORUS_DATABASE", databases.get(module(service)));
        env.put("CHORUS_JWT_PUBLIC_KEY_LOCATION", keys.publicKeyFile().toString());
        env.put("CHORUS_JWT_PRIVATE_KEY_LOCATION", keys.privateKeyFile().toString());
        env.put("CHORUS_BUS_ENDPOINTS", String.join(",", busPorts.values().stream()
                .map(bus -> "tcp://127.0.0.1:" + bus).toList()));
        if (busPorts.containsKey(service)) {
            env.put("GATEWAY_BUS_XSUB_PORT", String.valueOf(busPorts.get(service)));
        }
        env.putAll(secrets.environment(module(service)));
        env.put("GATEWAY_BUS_BIND_ADDRESS", "127.0.0.1");
        // Heartbeats every second: the tests' streams count as connected once one arrives.
        env.put("GATEWAY_STREAM_HEARTBEAT", "1s");
        env.put("QUARKUS_REST_CLIENT_HISTORY_URL", url("history-service"));
        env.put("QUARKUS_REST_CLIENT_DMS_URL", url("dm-service"));
        env.put("QUARKUS_REST_CLIENT_USERS_URL", url("user-service"));
        // The web page comes from the gateway and calls user-service and dm-service on their own
        // ports: tell it where they are, and let them accept its origin (CORS).
        env.put("GATEWAY_WEB_USERS_URL", url("user-service"));
        env.put("GATEWAY_WEB_DMS_URL", url("dm-service"));
        List<String> origins = new ArrayList<>();
        for (String gateway : busPorts.keySet()) {
            origins.add(url(gateway));
            origins.add("http://localhost:" + ports.get(gateway));
        }
        env.put("CHORUS_WEB_ORIGINS", String.join(",", origins));
        // Every suite registers its users from 127.0.0.1, dozens of them, faster than SPEC's 10 an
        // hour per address allows; user-service's RegistrationLimitTest holds that limit.
        env.put("CHORUS_RATE_LIMITS_REGISTRATIONS_PER_ADDRESS", "100000");
        env.putAll(environment);
        env.putAll(overrides.getOrDefault(service, Map.of()));
        try {
            processes.put(service, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service, e);
        }
    }

    /**
     * Extra JVM options for every service, from {@code -Dchorus.service-jvm-options} (split on
     * spaces; {@code {service}} becomes the instance's name), e.g. to profile a benchmark run:
     * {@code -XX:StartFlightRecording=filename=/tmp/{service}.jfr,settings=profile}.
     */
    private static List<String> serviceJvmOptions(String service) {
        String options = System.getProperty("chorus.service-jvm-options", "").trim();
        if (options.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(options.split("\\s+")).map(option -> option.replace("{service}", service)).toList();
    }

    private void awaitReady(String service) {
        ServiceReadiness.await(service, url(service), processes.get(service), log(service));
    }

    /** Stops the service as Kubernetes does (SIGTERM) and waits until it has exited (after 20 s, SIGKILL). */
    public void stop(String service) {
        Process process = processes.remove(service);
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        new ArrayList<>(processes.keySet()).forEach(this::stop);
        databases.values().forEach(LocalPostgres::dropDatabase);
        for (File file : new File[] {keys.privateKeyFile().toFile(), keys.publicKeyFile().toFile()}) {
            file.delete();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
