package io.chorus.deploy;

import static io.chorus.deploy.Manifests.asList;
import static io.chorus.deploy.Manifests.asMap;
import static io.chorus.deploy.Manifests.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deploy files agree with the services they run: each service's container listens where the
 * service is told to listen, its Service and probes point there, every variable it is given sets a
 * property it reads (a misspelt one would be ignored without a word), and everything it cannot
 * start without is given. Checked on the chart (defaults) and on every kustomization under k8s/
 * that deploys the services.
 */
class DeployConsistencyTest {

    static final List<String> SERVICES = List.of("user-service", "dm-service", "history-service", "group-gateway");

    private static final String CHART = "chart (defaults)";

    /**
     * Settings each service cannot do without in a cluster: no default, or a default only right on
     * a laptop (localhost, .chorus/keys). Each entry lists alternatives, one of which must be set.
     */
    static final Map<String, List<List<String>>> REQUIRED = required();

    private static Map<String, List<List<String>>> required() {
        List<List<String>> everyService = List.of(
                List.of("chorus.internal.credential"),
                List.of("chorus.jwt.public-key-location"),
                List.of("PGHOST"));
        List<List<String>> publisher = List.of(
                List.of("chorus.bus.endpoints"),
                List.of("chorus.curve.secret-key"),
                List.of("chorus.curve.server-key", "chorus.curve.server-secret-key"));
        Map<String, List<List<String>>> required = new LinkedHashMap<>();
        required.put("user-service", concat(everyService, List.of(List.of("chorus.jwt.private-key-location"))));
        required.put("dm-service", concat(everyService, publisher));
        required.put("history-service", concat(everyService, publisher));
        required.put("group-gateway", concat(everyService, List.of(
                List.of("chorus.curve.proxy-secret-key"),
                List.of("chorus.curve.allowed-keys.history-service", "chorus.curve.allowed-secret-keys.history-service"),
                List.of("chorus.curve.allowed-keys.dm-service", "chorus.curve.allowed-secret-keys.dm-service"))));
        return required;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private static final Map<String, Manifests> DEPLOYMENTS = new ConcurrentHashMap<>();
    private static final Map<String, ServiceConfiguration> CONFIGURATIONS = new ConcurrentHashMap<>();

    /** The chart with defaults, and each kustomization that deploys the services, by name. */
    static List<String> deploymentNames() {
        List<String> names = new ArrayList<>();
        names.add(CHART);
        for (Path dir : Kustomize.directories()) {
            if (deployment(Kustomize.name(dir)).find("Deployment", "user-service").isPresent()) {
                names.add(Kustomize.name(dir));
            }
        }
        return names;
    }

    private static Manifests deployment(String name) {
        return DEPLOYMENTS.computeIfAbsent(name, n -> n.equals(CHART)
                ? Chart.render(Map.of())
                : Kustomize.build(Repository.ROOT.resolve(n)));
    }

    private static ServiceConfiguration configuration(String service) {
        return CONFIGURATIONS.computeIfAbsent(service, ServiceConfiguration::of);
    }

    static Stream<Arguments> services() {
        return deploymentNames().stream().flatMap(d -> SERVICES.stream().map(s -> Arguments.of(d, s)));
    }

    @Test
    void checksTheChartAndTheBaseKustomization() {
        assertTrue(deploymentNames().containsAll(List.of(CHART, "k8s")), "deployments checked: " + deploymentNames());
    }

    // --- What a container is given.

    private static Map<String, Object> container(Manifests manifests, String service) {
        return Manifests.container(manifests.get(ChorusRules.workloadKind(service), service), service);
    }

    /**
     * The container's environment: name to value, null where the value comes from a Secret (or
     * valueFrom). Variables from envFrom's ConfigMaps, and from its Secrets when the deployment
     * makes them; `env` wins over them, as in Kubernetes.
     */
    static Map<String, String> environment(Manifests manifests, Map<String, Object> container) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object source : asList(container.get("envFrom"))) {
            String prefix = Objects.toString(path(source, "prefix"), "");
            String configMap = (String) path(source, "configMapRef", "name");
            String secret = (String) path(source, "secretRef", "name");
            boolean optional = Boolean.TRUE.equals(path(source, configMap != null ? "configMapRef" : "secretRef", "optional"));
            if (configMap != null) {
                Optional<Map<String, Object>> found = manifests.find("ConfigMap", configMap);
                assertTrue(found.isPresent() || optional, "the container reads ConfigMap " + configMap + ", which is not deployed");
                found.ifPresent(c -> stringMap(c.get("data")).forEach((k, v) -> environment.put(prefix + k, v)));
            } else if (secret != null) {
                manifests.find("Secret", secret).ifPresent(s -> {
                    stringMap(s.get("data")).keySet().forEach(k -> environment.put(prefix + k, null));
                    stringMap(s.get("stringData")).keySet().forEach(k -> environment.put(prefix + k, null));
                });
            }
        }
        for (Object variable : asList(container.get("env"))) {
            Object value = path(variable, "value");
            environment.put((String) path(variable, "name"), value == null ? null : value.toString());
        }
        return environment;
    }

    private static Map<String, String> stringMap(Object node) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node != null) {
            asMap(node).forEach((k, v) -> map.put(k, v == null ? null : v.toString()));
        }
        return map;
    }

    private static final Pattern DEPENDENT_VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** Names the container refers to as $(NAME) in its env values, command or args. */
    static Set<String> referencedAsDependentVariables(Map<String, Object> container) {
        List<Object> texts = new ArrayList<>();
        asList(container.get("env")).forEach(e -> texts.add(path(e, "value")));
        texts.addAll(asList(container.get("command")));
        texts.addAll(asList(container.get("args")));
        Set<String> names = new TreeSet<>();
        for (Object text : texts) {
            if (text != null) {
                Matcher m = DEPENDENT_VARIABLE.matcher(text.toString());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** Variables set in the service's container that set no property it reads, and serve no $(NAME). */
    static Set<String> unreadVariables(Manifests manifests, String service, ServiceConfiguration configuration) {
        Map<String, Object> container = container(manifests, service);
        Set<String> dependent = referencedAsDependentVariables(container);
        Set<String> unread = new TreeSet<>();
        for (String name : environment(manifests, container).keySet()) {
            if (!configuration.reads(name) && !dependent.contains(name)) {
                unread.add(name);
            }
        }
        return unread;
    }

    /** The port a probe or Service names (a number, or the name of one of the container's ports). */
    private static Integer containerPort(Map<String, Object> container, Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        return asList(container.get("ports")).stream()
                .filter(p -> Objects.equals(port, path(p, "name")))
                .map(p -> (Integer) path(p, "containerPort"))
                .findFirst().orElse(null);
    }

    /** The port the service listens on: QUARKUS_HTTP_PORT if the deployment sets it, else application.properties'. */
    private static int httpPort(Manifests manifests, String service) {
        String given = environment(manifests, container(manifests, service)).get("QUARKUS_HTTP_PORT");
        String port = given != null ? given : configuration(service).value("quarkus.http.port")
                .orElseThrow(() -> new AssertionError(service + " sets no quarkus.http.port"));
        return Integer.parseInt(port.strip());
    }

    // --- The rules.

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("services")
    void listensWhereTheServiceIsToldToAndItsServiceTargetsThatPort(String deployment, String service) {
        Manifests manifests = deployment(deployment);
        Map<String, Object> container = container(manifests, service);
        int port = httpPort(manifests, service);
        assertEquals(port, containerPort(container, "http"), "containerPort http of " + service);
        Object targetPort = path(manifests.get("Service", service), "spec", "ports", 0, "targetPort");
        assertNotNull(targetPort, "targetPort of Service " + service);
        assertEquals(port, containerPort(container, targetPort), "Service " + service + " targets " + targetPort);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("services")
    void probesQuarkusHealthEndpointsOnTheHttpPort(String deployment, String service) {
        Manifests manifests = deployment(deployment);
        Map<String, Object> container = container(manifests, service);
        int port = httpPort(manifests, service);
        Map<String, String> probes = Map.of(
                "startupProbe", "/q/health/started", "livenessProbe", "/q/health/live", "readinessProbe", "/q/health/ready");
        probes.forEach((probe, expected) -> {
            assertEquals(expected, path(container, probe, "httpGet", "path"), probe + " of " + service);
            assertEquals(port, containerPort(container, path(container, probe, "httpGet", "port")),
                    probe + " port of " + service);
        });
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("services")
    void setsOnlyVariablesTheServiceReads(String deployment, String service) {
        Set<String> unread = unreadVariables(deployment(deployment), service, configuration(service));
        assertEquals(Set.of(), unread, service + " reads no property these variables set (SmallRye Config's"
                + " environment names): misspelt, or meant for another service?");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("services")
    void setsEverySettingTheServiceCannotDoWithout(String deployment, String service) {
        Manifests manifests = deployment(deployment);
        ServiceConfiguration configuration = configuration(service);
        Set<String> given = environment(manifests, container(manifests, service)).keySet();
        for (List<String> alternatives : REQUIRED.get(service)) {
            for (String property : alternatives) {
                assertTrue(configuration.properties().contains(property),
                        service + " no longer reads " + property + ": update DeployConsistencyTest.REQUIRED");
            }
            assertTrue(alternatives.stream().map(ServiceConfiguration::environmentName).anyMatch(given::contains),
                    service + " is not given " + String.join(" or ",
                            alternatives.stream().map(ServiceConfiguration::environmentName).toList()));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("services")
    void readsTheTokenKeysFromAMountedVolume(String deployment, String service) {
        Manifests manifests = deployment(deployment);
        Map<String, Object> container = container(manifests, service);
        Map<String, String> environment = environment(manifests, container);
        List<String> mounts = asList(container.get("volumeMounts")).stream()
                .map(m -> (String) path(m, "mountPath")).toList();
        for (String variable : List.of("CHORUS_JWT_PUBLIC_KEY_LOCATION", "CHORUS_JWT_PRIVATE_KEY_LOCATION")) {
            String location = environment.get(variable);
            if (location != null) {
                assertTrue(mounts.stream().anyMatch(m -> location.startsWith(m.endsWith("/") ? m : m + "/")),
                        variable + " of " + service + " (" + location + ") is in none of its volumes " + mounts);
            }
        }
    }

    // --- The checker itself: it must fail for what it is there to catch.

    @Test
    void checkerMapsVariablesToThePropertiesTheyOverride() {
        ServiceConfiguration gateway = ServiceConfiguration.of("group-gateway");
        assertEquals(Optional.of("quarkus.http.port"), gateway.property("QUARKUS_HTTP_PORT"));
        assertEquals(Optional.of("gateway.bus.xsub-port"), gateway.property("GATEWAY_BUS_XSUB_PORT"));
        assertEquals(Optional.of("gateway.stream.heartbeat"), gateway.property("GATEWAY_STREAM_HEARTBEAT"));
        assertEquals(Optional.of("quarkus.rest-client.dms.url"), gateway.property("QUARKUS_REST_CLIENT_DMS_URL"));
        assertEquals(Optional.of("quarkus.rest-client.users.url"), gateway.property("QUARKUS_REST_CLIENT_USERS_URL"));
        assertEquals(Optional.of("chorus.curve.proxy-secret-key"), gateway.property("CHORUS_CURVE_PROXY_SECRET_KEY"));
        assertEquals(Optional.of("chorus.internal.credential"), gateway.property("CHORUS_INTERNAL_CREDENTIAL"));
        assertEquals(Optional.of("PGHOST"), gateway.property("PGHOST"));
        assertEquals(Optional.of("chorus.database"), gateway.property("CHORUS_DATABASE"));
        assertEquals(Optional.of("chorus.jwt.public-key-location"), gateway.property("CHORUS_JWT_PUBLIC_KEY_LOCATION"));
        ServiceConfiguration history = ServiceConfiguration.of("history-service");
        // HistoryConfig extends common's GroupCommitConfig.
        assertEquals(Optional.of("history.max-batch"), history.property("HISTORY_MAX_BATCH"));
        assertEquals(Optional.of("chorus.bus.endpoints"), history.property("CHORUS_BUS_ENDPOINTS"));
    }

    @Test
    void checkerRejectsMisspeltVariablesAndOtherServicesSettings() {
        ServiceConfiguration gateway = ServiceConfiguration.of("group-gateway");
        for (String variable : List.of(
                "QUARKUS_HTTP_PROT", "GATEWAY_BUS_XSUB_PORTS", "GATEWAY_STREAM_HEARTBEET", "CHORUS_JWT_PUBLIC_KEY_LOCATON",
                // heartbeat is a member of gateway.stream, not of gateway.presence.
                "GATEWAY_PRESENCE_HEARTBEAT",
                // user-service's and history-service's settings.
                "USERS_TOKEN_LIFESPAN", "HISTORY_MAX_BATCH",
                // The old names of the bus keys.
                "CHORUS_BUS_SERVER_KEY", "GATEWAY_BUS_SECRET_KEY")) {
            assertEquals(Optional.empty(), gateway.property(variable), variable + " sets nothing group-gateway reads");
        }
    }

    @Test
    void checkerFollowsNestedInheritedRenamedAndMapMembersOfConfigMappings() {
        ServiceConfiguration configuration = ServiceConfiguration.parse(
                List.of("app.plain=1\n%test.app.profiled=2\nquarkus.datasource.jdbc.url=jdbc:x://${DBHOST:localhost}/${app.db:x}\n"),
                List.of("""
                        @ConfigMapping(prefix = "shop")
                        public interface ShopConfig extends Limits {
                            /** Nested. */
                            Cart cart();
                            @WithName("display-title")
                            String title();
                            Map<String, Store> stores();
                            default int twice() {
                                return 2 * cart().maxItems();
                            }
                            interface Cart {
                                @WithDefault("10")
                                int maxItems();
                                Optional<Duration> keepFor();
                            }
                            interface Store {
                                String url();
                            }
                        }
                        """, """
                        public interface Limits {
                            int burstSize();
                        }
                        """));
        for (String variable : List.of("APP_PLAIN", "APP_PROFILED", "DBHOST", "APP_DB", "SHOP_CART_MAX_ITEMS",
                "SHOP_CART_KEEP_FOR", "SHOP_DISPLAY_TITLE", "SHOP_STORES_EAST_URL", "SHOP_BURST_SIZE")) {
            assertTrue(configuration.reads(variable), variable);
        }
        for (String variable : List.of("SHOP_TITLE", "SHOP_TWICE", "SHOP_MAX_ITEMS", "SHOP_CART", "SHOP_STORES_URL",
                "SHOP_CART_BURST_SIZE", "APP_PLAINS", "LOCALHOST")) {
            assertFalse(configuration.reads(variable), variable);
        }
    }

    @Test
    void reportsAMisspeltVariableInAManifest() {
        Manifests manifests = Kustomize.build(Kustomize.K8S);
        ServiceConfiguration configuration = configuration("group-gateway");
        assertEquals(Set.of(), unreadVariables(manifests, "group-gateway", configuration), "k8s/ as it is");
        asMap(manifests.get("ConfigMap", "group-gateway-config").get("data")).put("GATEWAY_STREAM_HEARTBEET", "PT15S");
        List<Object> env = asList(container(manifests, "group-gateway").get("env"));
        env.add(new LinkedHashMap<>(Map.of("name", "CHORUS_INTERNAL_CREDENTIALS", "value", "x")));
        // Used only as $(ONLY_FOR_EXPANSION) in another variable: not a setting, so not reported.
        env.add(new LinkedHashMap<>(Map.of("name", "ONLY_FOR_EXPANSION", "value", "a")));
        env.add(new LinkedHashMap<>(Map.of("name", "GATEWAY_STREAM_HEARTBEAT", "value", "$(ONLY_FOR_EXPANSION)")));
        assertEquals(Set.of("GATEWAY_STREAM_HEARTBEET", "CHORUS_INTERNAL_CREDENTIALS"),
                unreadVariables(manifests, "group-gateway", configuration));
    }
}
