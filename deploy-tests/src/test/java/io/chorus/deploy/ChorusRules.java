package io.chorus.deploy;

import static io.chorus.deploy.Manifests.asList;
import static io.chorus.deploy.Manifests.asMap;
import static io.chorus.deploy.Manifests.assertLabel;
import static io.chorus.deploy.Manifests.container;
import static io.chorus.deploy.Manifests.name;
import static io.chorus.deploy.Manifests.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.deploy.NetworkPolicies.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What every way of deploying Chorus must get right, checked the same on the rendered chart and
 * on k8s/: one name per service (STYLE.md), probes, ports, the public paths, the bus, the
 * deployment's secrets and who may connect to whom (SPEC.md, "Internal surfaces").
 */
final class ChorusRules {

    /** Service name to its HTTP port (SPEC.md's table). */
    static final Map<String, Integer> PORTS = Map.of(
            "user-service", 8081, "dm-service", 8082, "group-gateway", 8080, "history-service", 8083);

    /** The services that publish on the bus; the gateway runs the proxy and subscribes in-process. */
    static final Set<String> PUBLISHERS = Set.of("dm-service", "history-service");

    /** Public path prefix (pathType Prefix) to the service that owns it; history-service has none. */
    static final Map<String, String> ROUTES = routes();

    /** The web page, routed path by path (pathType Exact): "/" and every file the gateway serves. */
    static final Set<String> WEB_CLIENT_PATHS = webClientPaths();

    /**
     * How the bus keys are set up, and so which of them (environment variable to key of the bus
     * keys Secret) each service is given. GIVEN: all six keys, each pod only its own secret key
     * and the public keys it needs. GENERATED: only the three secret keys exist (Helm cannot
     * compute Curve25519 public keys), so each pod derives the public keys it needs from secret
     * keys: the gateway gets the publishers' secret keys, each publisher the proxy's, but no
     * publisher another publisher's. user-service is not on the bus in either. The gateway gets
     * each publisher's key under that publisher's service (a key publishes only its service's topics).
     */
    enum BusKeys {
        GIVEN(Map.of(
                "user-service", Map.of(),
                "group-gateway", Map.of("CHORUS_CURVE_PROXY_SECRET_KEY", "server-secret",
                        "CHORUS_CURVE_ALLOWED_KEYS_HISTORY_SERVICE", "history-public",
                        "CHORUS_CURVE_ALLOWED_KEYS_DM_SERVICE", "dm-public"),
                "history-service", Map.of("CHORUS_CURVE_SERVER_KEY", "server-public",
                        "CHORUS_CURVE_PUBLIC_KEY", "history-public", "CHORUS_CURVE_SECRET_KEY", "history-secret"),
                "dm-service", Map.of("CHORUS_CURVE_SERVER_KEY", "server-public",
                        "CHORUS_CURVE_PUBLIC_KEY", "dm-public", "CHORUS_CURVE_SECRET_KEY", "dm-secret"))),
        GENERATED(Map.of(
                "user-service", Map.of(),
                "group-gateway", Map.of("CHORUS_CURVE_PROXY_SECRET_KEY", "server-secret",
                        "CHORUS_CURVE_ALLOWED_SECRET_KEYS_HISTORY_SERVICE", "history-secret",
                        "CHORUS_CURVE_ALLOWED_SECRET_KEYS_DM_SERVICE", "dm-secret"),
                "history-service", Map.of("CHORUS_CURVE_SERVER_SECRET_KEY", "server-secret",
                        "CHORUS_CURVE_SECRET_KEY", "history-secret"),
                "dm-service", Map.of("CHORUS_CURVE_SERVER_SECRET_KEY", "server-secret",
                        "CHORUS_CURVE_SECRET_KEY", "dm-secret")));

        /**
         * The undifferentiated lists of admitted keys: a key there belongs to no service and may
         * publish nothing, so no deployment sets them (each key is listed under its service).
         */
        static final List<String> UNDIFFERENTIATED = List.of("CHORUS_CURVE_ALLOWED_KEYS", "CHORUS_CURVE_ALLOWED_SECRET_KEYS");

        /** Per service, environment variable to the key of the bus keys Secret it holds. */
        final Map<String, Map<String, String>> keys;

        BusKeys(Map<String, Map<String, String>> keys) {
            this.keys = keys;
        }
    }

    /**
     * The Secrets a deployment's pods read: the internal credential's, the bus keys', how the bus
     * keys are set up, and the database password's Secret and key (null: no PGPASSWORD from a
     * Secret of the deployment; k8s/ leaves it to the optional <name>-secrets).
     */
    record Secrets(String internal, String bus, BusKeys busKeys, List<String> databasePassword) {
    }

    /** The proxy's XPUB port of old: the gateway subscribes in-process now, so nothing may expose it. */
    static final int OLD_SUBSCRIBER_PORT = 5558;

    private static Map<String, String> routes() {
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("/api/users", "user-service");
        routes.put("/api/auth", "user-service");
        routes.put("/api/me", "user-service");
        routes.put("/api/dms", "dm-service");
        routes.put("/api/groups", "group-gateway");
        routes.put("/api/events", "group-gateway");
        routes.put("/api/web-config", "group-gateway");
        return routes;
    }

    private static Set<String> webClientPaths() {
        Path resources = Repository.ROOT.resolve("group-gateway/src/main/resources/META-INF/resources");
        try (Stream<Path> files = Files.walk(resources)) {
            Set<String> paths = new TreeSet<>();
            paths.add("/");
            files.filter(Files::isRegularFile)
                    .map(f -> "/" + resources.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                    .forEach(paths::add);
            assertTrue(paths.contains("/index.html"), "the web page's files: " + paths);
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ChorusRules() {
    }

    static String workloadKind(String service) {
        return service.equals("group-gateway") ? "StatefulSet" : "Deployment";
    }

    /** The workload, Service and ConfigMap of a service all carry its one name. */
    static void assertRunsUnderOneName(Manifests manifests, String service) {
        Map<String, Object> workload = manifests.get(workloadKind(service), service);
        assertLabel(workload, "app", service);
        assertEquals(service, path(workload, "spec", "selector", "matchLabels", "app"), "selector of " + service);
        assertEquals(service, path(workload, "spec", "template", "metadata", "labels", "app"),
                "pod label of " + service);
        Map<String, Object> container = container(workload, service);
        String image = (String) container.get("image");
        assertTrue(image.matches("(.+/)?chorus/" + service + "(:.+)?"), "image of " + service + ": " + image);

        List<String> configMaps = envFrom(container, "configMapRef");
        assertTrue(configMaps.contains(service + "-config"), service + " reads " + configMaps);
        assertEquals(List.of(service + "-secrets"), envFrom(container, "secretRef"), "Secret of " + service);
        Map<String, Object> config = manifests.get("ConfigMap", service + "-config");
        assertLabel(config, "app", service);

        Map<String, Object> svc = manifests.get("Service", service);
        assertLabel(svc, "app", service);
        assertEquals(Map.of("app", service), path(svc, "spec", "selector"), "Service selector of " + service);
        Map<String, Object> port = asMap(asList(path(svc, "spec", "ports")).getFirst());
        assertEquals("http", port.get("name"));
        assertEquals(PORTS.get(service), port.get("port"), "Service port of " + service);
        assertEquals("http", port.get("targetPort"), "Service targetPort of " + service);
    }

    /** Names of the ConfigMaps or Secrets a container takes its environment from. */
    static List<String> envFrom(Map<String, Object> container, String refKind) {
        return asList(container.get("envFrom")).stream()
                .map(e -> (String) path(e, refKind, "name"))
                .filter(n -> n != null)
                .toList();
    }

    /** Liveness and readiness on Quarkus' health endpoints, on the named HTTP port. */
    static void assertProbesAndPorts(Manifests manifests, String service) {
        Map<String, Object> workload = manifests.get(workloadKind(service), service);
        Map<String, Object> container = container(workload, service);
        assertEquals("/q/health/live", path(container, "livenessProbe", "httpGet", "path"), "liveness of " + service);
        assertEquals("http", path(container, "livenessProbe", "httpGet", "port"), "liveness port of " + service);
        assertEquals("/q/health/ready", path(container, "readinessProbe", "httpGet", "path"), "readiness of " + service);
        assertEquals("http", path(container, "readinessProbe", "httpGet", "port"), "readiness port of " + service);

        Map<String, Integer> ports = asList(container.get("ports")).stream()
                .map(Manifests::asMap)
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> (Integer) p.get("containerPort")));
        Map<String, Integer> expected = service.equals("group-gateway")
                ? Map.of("http", 8080, "bus-xsub", 5557)
                : Map.of("http", PORTS.get(service));
        assertEquals(expected, ports, "container ports of " + service);

        assertNotNull(path(container, "resources", "limits", "memory"), "memory limit of " + service);
        assertNotNull(path(container, "resources", "requests", "memory"), "memory request of " + service);
        Object grace = path(workload, "spec", "template", "spec", "terminationGracePeriodSeconds");
        assertTrue(grace instanceof Integer seconds && seconds >= 10, "grace period of " + service + ": " + grace);
    }

    /** The key pair's private half reaches user-service only. */
    static void assertOnlyUserServiceSigns(Manifests manifests, String service) {
        Map<String, Object> workload = manifests.get(workloadKind(service), service);
        List<Object> volumes = asList(path(workload, "spec", "template", "spec", "volumes"));
        Map<String, Object> jwt = volumes.stream().map(Manifests::asMap)
                .filter(v -> "jwt".equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no jwt volume in " + service));
        Set<Object> keys = asList(path(jwt, "secret", "items")).stream()
                .map(i -> path(i, "key")).collect(Collectors.toSet());
        Set<Object> expected = service.equals("user-service") ? Set.of("private.pem", "public.pem") : Set.of("public.pem");
        assertEquals(expected, keys, "keys mounted in " + service);
    }

    /**
     * One Ingress, one host, each public path to its owner, history-service nowhere. Only /api/*
     * (by prefix) and the web page's files (exactly) are routed: no catch-all, so /q/* (health,
     * metrics, OpenAPI) and /internal/* are not reachable from outside (SPEC.md, "Internal surfaces").
     */
    static void assertIngressRoutesPublicPaths(Manifests manifests) {
        List<Map<String, Object>> ingresses = manifests.ofKind("Ingress");
        assertEquals(1, ingresses.size(), "Ingresses");
        Map<String, Object> ingress = ingresses.getFirst();
        assertEquals(null, path(ingress, "spec", "defaultBackend"), "a default backend would route every other path");
        List<Object> rules = asList(path(ingress, "spec", "rules"));
        assertEquals(1, rules.size(), "one host");
        Map<String, String> prefixes = new LinkedHashMap<>();
        Map<String, String> exact = new LinkedHashMap<>();
        for (Object p : asList(path(rules.getFirst(), "http", "paths"))) {
            String route = (String) path(p, "path");
            String backend = (String) path(p, "backend", "service", "name");
            assertFalse(route.startsWith("/q") || route.startsWith("/internal"), "routed from outside: " + route);
            Map<String, String> routes = switch ((String) path(p, "pathType")) {
                case "Prefix" -> {
                    assertTrue(route.startsWith("/api/"), "only /api/* is routed by prefix, not " + route);
                    yield prefixes;
                }
                case "Exact" -> exact;
                default -> throw new AssertionError("pathType of " + route + ": " + path(p, "pathType")
                        + " (ImplementationSpecific may match anything)");
            };
            String previous = routes.put(route, backend);
            assertEquals(null, previous, "path listed twice: " + route);
            assertEquals("http", path(p, "backend", "service", "port", "name"));
        }
        assertEquals(ROUTES, prefixes, "Ingress routes by prefix");
        assertEquals(WEB_CLIENT_PATHS, exact.keySet(),
                "Ingress routes of the web page (its files in META-INF/resources)");
        assertEquals(Set.of("group-gateway"), Set.copyOf(exact.values()), "the web page is the gateway's");
        assertFalse(prefixes.containsValue("history-service"), "history-service must stay internal");
        Map<String, Object> annotations = asMap(path(ingress, "metadata", "annotations"));
        assertEquals("off", annotations.get("nginx.ingress.kubernetes.io/proxy-buffering"), "SSE needs no buffering");
        int readTimeout = Integer.parseInt((String) annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout"));
        assertTrue(readTimeout >= 60, "read timeout must outlast the SSE heartbeat: " + readTimeout);
    }

    /** The gateway's stable names: a headless Service publishing not-ready pods, named by the StatefulSet. */
    static void assertGatewayHasStableNames(Manifests manifests) {
        Map<String, Object> gateway = manifests.get("StatefulSet", "group-gateway");
        assertEquals("group-gateway-headless", path(gateway, "spec", "serviceName"));
        Map<String, Object> headless = manifests.get("Service", "group-gateway-headless");
        assertEquals("None", path(headless, "spec", "clusterIP"));
        assertEquals(true, path(headless, "spec", "publishNotReadyAddresses"));
        assertEquals(Map.of("app", "group-gateway"), path(headless, "spec", "selector"));
        Set<Object> ports = asList(path(headless, "spec", "ports")).stream()
                .map(p -> path(p, "port")).collect(Collectors.toSet());
        assertEquals(Set.of(5557), ports, "bus ports on the headless Service (XSUB only)");
    }

    /** No container, Service or setting offers the old XPUB port: nothing outside a gateway subscribes. */
    static void assertNoSubscriberPort(Manifests manifests) {
        for (Map<String, Object> object : manifests.all()) {
            String what = object.get("kind") + " " + name(object);
            for (Object container : asList(path(object, "spec", "template", "spec", "containers"))) {
                for (Object port : asList(path(container, "ports"))) {
                    assertFalse(Objects.equals(OLD_SUBSCRIBER_PORT, path(port, "containerPort"))
                            || "bus-xpub".equals(path(port, "name")), what + " exposes the subscriber port: " + port);
                }
                for (Object env : asList(path(container, "env"))) {
                    assertFalse("GATEWAY_BUS_XPUB_PORT".equals(path(env, "name")),
                            what + " sets GATEWAY_BUS_XPUB_PORT");
                }
            }
            if ("Service".equals(object.get("kind"))) {
                for (Object port : asList(path(object, "spec", "ports"))) {
                    assertFalse(Objects.equals(OLD_SUBSCRIBER_PORT, path(port, "port"))
                            || "bus-xpub".equals(path(port, "targetPort")),
                            what + " offers the subscriber port: " + port);
                }
            }
            if ("ConfigMap".equals(object.get("kind"))) {
                Map<String, Object> data = asMapOrEmpty(object.get("data"));
                assertFalse(data.containsKey("GATEWAY_BUS_XPUB_PORT"), what + " sets GATEWAY_BUS_XPUB_PORT");
                assertFalse(String.valueOf(data.get("CHORUS_BUS_ENDPOINTS")).contains(":" + OLD_SUBSCRIBER_PORT),
                        what + " points publishers at the subscriber port");
            }
        }
    }

    /** A container's environment variable by name, or null. */
    static Map<String, Object> env(Map<String, Object> container, String name) {
        return asList(container.get("env")).stream().map(Manifests::asMap)
                .filter(e -> name.equals(e.get("name"))).findFirst().orElse(null);
    }

    /** The Secret name and key an environment variable comes from; fails unless it is a required secretKeyRef. */
    static List<String> secretRef(Map<String, Object> container, String service, String name) {
        Map<String, Object> env = env(container, name);
        assertNotNull(env, service + " gets no " + name);
        assertEquals(null, env.get("value"), name + " of " + service + " must not be written in the manifest");
        Object ref = path(env, "valueFrom", "secretKeyRef");
        assertNotNull(ref, name + " of " + service + " must come from a Secret (secretKeyRef): " + env);
        assertFalse(Boolean.TRUE.equals(path(ref, "optional")), name + " of " + service + " must not be optional");
        return List.of((String) path(ref, "name"), (String) path(ref, "key"));
    }

    /** Every variable of a container that comes from a Secret key: name to [Secret, key]. */
    static Map<String, List<String>> secretRefs(Map<String, Object> container, String service) {
        Map<String, List<String>> refs = new TreeMap<>();
        for (Object env : asList(container.get("env"))) {
            if (path(env, "valueFrom", "secretKeyRef") != null) {
                String name = (String) path(env, "name");
                refs.put(name, secretRef(container, service, name));
            }
        }
        return refs;
    }

    /** The pod spec of a service's workload. */
    static Map<String, Object> podSpec(Manifests manifests, String service) {
        return asMap(path(manifests.get(workloadKind(service), service), "spec", "template", "spec"));
    }

    /**
     * The deployment's secrets reach each service from Secrets, and only the keys it needs: every
     * service the internal credential and the database password; the bus keys as the setup
     * allows (BusKeys), never another publisher's secret key, user-service none. The gateway's
     * list of admitted publishers is built from those variables. The create-database step gets
     * the database password only, and no ConfigMap holds any of them.
     */
    static void assertSecretsReachOnlyWhoNeedsThem(Manifests manifests, String service, Secrets secrets) {
        Map<String, Object> container = container(manifests.get(workloadKind(service), service), service);
        Map<String, List<String>> expected = new TreeMap<>();
        expected.put("CHORUS_INTERNAL_CREDENTIAL", List.of(secrets.internal(), "credential"));
        if (secrets.databasePassword() != null) {
            expected.put("PGPASSWORD", secrets.databasePassword());
        }
        secrets.busKeys().keys.get(service).forEach((env, key) -> expected.put(env, List.of(secrets.bus(), key)));
        assertEquals(expected, secretRefs(container, service), "what " + service + " reads from Secrets");

        Set<String> secretVariables = new TreeSet<>(expected.keySet());
        for (BusKeys mode : BusKeys.values()) {
            mode.keys.values().forEach(keys -> secretVariables.addAll(keys.keySet()));
        }
        secretVariables.addAll(BusKeys.UNDIFFERENTIATED);
        for (String undifferentiated : BusKeys.UNDIFFERENTIATED) {
            assertEquals(null, env(container, undifferentiated), service + " gets " + undifferentiated);
        }

        for (Object init : asList(podSpec(manifests, service).get("initContainers"))) {
            Map<String, Object> initContainer = asMap(init);
            Map<String, List<String>> initExpected = secrets.databasePassword() == null
                    ? Map.of() : Map.of("PGPASSWORD", secrets.databasePassword());
            assertEquals(initExpected, secretRefs(initContainer, service),
                    "what the init container " + initContainer.get("name") + " of " + service + " reads from Secrets");
            for (Object from : asList(initContainer.get("envFrom"))) {
                Object ref = path(from, "secretRef");
                if (ref != null) {
                    assertEquals(service + "-secrets", path(ref, "name"), "Secret the init container of " + service + " reads");
                    assertEquals(true, path(ref, "optional"), service + "-secrets is optional");
                }
            }
        }
        Map<String, Object> config = asMapOrEmpty(manifests.get("ConfigMap", service + "-config").get("data"));
        for (String secret : secretVariables) {
            assertFalse(config.containsKey(secret), service + "-config must not hold " + secret);
        }
    }

    /**
     * What the NetworkPolicies must allow beyond the connections between the services: the
     * Ingress controller's namespace labels; whether the `helm test` pod reaches the public ports;
     * Prometheus's namespace labels when it scrapes the HTTP ports (else null); an external
     * PostgreSQL as "address:port" (else null); and whether the services may reach port 5432 at
     * any address (k8s/, which does not know where PostgreSQL is).
     */
    record Network(String namespace, Map<String, String> ingressNamespaceLabels, boolean helmTestPod,
                   Map<String, String> prometheusNamespaceLabels, String externalDatabase, boolean databaseAnywhere) {
    }

    /** A host on the internet, outside the cluster. */
    private static final String OUTSIDE_ADDRESS = "203.0.113.10";

    /**
     * Every chorus pod refuses connections, in and out, except the ones the architecture needs:
     * from the Ingress controller (found by its namespace's labels) and the `helm test` pod to the
     * public HTTP ports, dm-service to user-service, the gateway to dm-service and history-service,
     * the publishers to the bus proxy, the four services to PostgreSQL (a pod beside them, or the
     * external server) and to DNS, and Prometheus to the HTTP ports if configured. A connection
     * goes through when the source's egress and the destination's ingress both allow it; checked
     * by asking the policies about each source, destination and port, so a rule that allows too
     * much fails as well as a missing one.
     */
    static void assertNetworkPoliciesAdmitOnlyTheArchitecture(Manifests manifests, Network network) {
        String namespace = network.namespace();
        NetworkPolicies policies = new NetworkPolicies(manifests, namespace);
        Map<String, Pod> pods = new LinkedHashMap<>();
        for (Map<String, Object> workload : manifests.all()) {
            if (!Set.of("Deployment", "StatefulSet").contains(workload.get("kind"))) {
                continue;
            }
            Map<String, String> labels = stringMap(path(workload, "spec", "template", "metadata", "labels"));
            Map<String, Integer> namedPorts = new LinkedHashMap<>();
            for (Object container : asList(path(workload, "spec", "template", "spec", "containers"))) {
                for (Object port : asList(path(container, "ports"))) {
                    namedPorts.put((String) path(port, "name"), (Integer) path(port, "containerPort"));
                }
            }
            pods.put(name(workload),
                    new Pod(namespace, Map.of("kubernetes.io/metadata.name", namespace), labels, namedPorts));
        }
        assertTrue(pods.keySet().containsAll(PORTS.keySet()), "workloads: " + pods.keySet());
        Set<String> databases = pods.keySet().stream().filter(n -> n.contains("postgres")).collect(Collectors.toSet());
        assertEquals(pods.keySet().size(), PORTS.size() + databases.size(), "workloads: " + pods.keySet());

        Map<String, Pod> sources = new LinkedHashMap<>(pods);
        String controllerNamespace = network.ingressNamespaceLabels().getOrDefault("kubernetes.io/metadata.name", "ingress");
        sources.put("the Ingress controller", new Pod(controllerNamespace, network.ingressNamespaceLabels(),
                Map.of("app.kubernetes.io/name", "ingress-nginx"), Map.of()));
        Map<String, String> testPodLabels = Map.of("app", "chorus-test", "app.kubernetes.io/instance", Chart.RELEASE);
        sources.put("the helm test pod", new Pod(namespace, testPodLabels));
        Map<String, String> prometheusNamespace = Objects.requireNonNullElse(network.prometheusNamespaceLabels(),
                Map.of("kubernetes.io/metadata.name", "monitoring"));
        sources.put("Prometheus", new Pod(prometheusNamespace.getOrDefault("kubernetes.io/metadata.name", "monitoring"),
                prometheusNamespace, Map.of("app.kubernetes.io/name", "prometheus"), Map.of()));
        sources.put("another pod of the namespace", new Pod(namespace, Map.of("app", "debug-shell")));
        sources.put("a pod of another namespace", new Pod("elsewhere", Map.of("app", "client")));
        sources.put("a host outside the cluster", Pod.outside(OUTSIDE_ADDRESS));
        // Labels are anyone's to set: a rule for "the gateway" must mean the gateway of this namespace.
        pods.forEach((name, pod) -> sources.put(name + " look-alike in another namespace",
                new Pod("elsewhere", pod.labels())));
        sources.put("the helm test pod look-alike in another namespace", new Pod("elsewhere", testPodLabels));

        Set<String> services = PORTS.keySet();
        Map<String, Set<String>> expected = new TreeMap<>();
        Set<String> publicClients = new TreeSet<>(Set.of("the Ingress controller"));
        if (network.helmTestPod()) {
            publicClients.add("the helm test pod");
        }
        expected.put("user-service:http", union(publicClients, Set.of("dm-service", "group-gateway")));
        expected.put("dm-service:http", union(publicClients, Set.of("group-gateway")));
        expected.put("history-service:http", Set.of("group-gateway"));
        expected.put("group-gateway:http", publicClients);
        if (network.prometheusNamespaceLabels() != null) {
            services.forEach(s -> expected.put(s + ":http", union(expected.get(s + ":http"), Set.of("Prometheus"))));
        }
        expected.put("group-gateway:bus-xsub", PUBLISHERS);
        for (String database : databases) {
            pods.get(database).namedPorts().keySet().forEach(port -> expected.put(database + ":" + port, services));
        }
        expected.put("DNS:53/UDP", services);
        expected.put("DNS:53/TCP", services);
        if (network.databaseAnywhere()) {
            expected.put("a host outside the cluster:5432/TCP", services);
        }
        if (network.externalDatabase() != null) {
            expected.put("the external PostgreSQL:" + network.externalDatabase().split(":")[1] + "/TCP", services);
        }

        Map<String, Set<String>> actual = new TreeMap<>();
        for (Map.Entry<String, Pod> target : pods.entrySet()) {
            Pod pod = target.getValue();
            assertTrue(policies.isolates(pod), "no NetworkPolicy selects " + target.getKey() + ": it admits anyone");
            assertTrue(policies.isolatesEgress(pod),
                    "no Egress NetworkPolicy selects " + target.getKey() + ": it may connect anywhere");
            Map<String, Integer> ports = new LinkedHashMap<>(pod.namedPorts());
            // A port nothing listens on yet stays closed too: rules name their ports.
            ports.put("unlisted", 9999);
            ports.forEach((portName, port) -> record(actual, expected, target.getKey() + ":" + portName, sources,
                    source -> !source.equals(target.getKey()), (source, s) -> policies.allows(s, pod, port)));
        }
        // Where the release's own pods may connect outside the namespace.
        Map<String, Pod> own = new LinkedHashMap<>(pods);
        Map<String, Pod> outside = new LinkedHashMap<>();
        outside.put("DNS", new Pod("kube-system", Map.of("k8s-app", "kube-dns")));
        outside.put("a host outside the cluster", Pod.outside(OUTSIDE_ADDRESS));
        outside.put("a pod of another namespace", new Pod("elsewhere", Map.of("app", "client")));
        Map<String, List<String>> outsidePorts = new LinkedHashMap<>();
        outsidePorts.put("DNS", List.of("53/UDP", "53/TCP"));
        outsidePorts.put("a host outside the cluster", List.of("443/TCP", "5432/TCP"));
        outsidePorts.put("a pod of another namespace", List.of("8080/TCP"));
        if (network.externalDatabase() != null) {
            String[] hostPort = network.externalDatabase().split(":");
            outside.put("the external PostgreSQL", Pod.outside(hostPort[0]));
            outsidePorts.put("the external PostgreSQL", List.of(hostPort[1] + "/TCP", "9999/TCP"));
        }
        outside.forEach((targetName, target) -> {
            for (String port : outsidePorts.get(targetName)) {
                String[] numberProtocol = port.split("/");
                record(actual, expected, targetName + ":" + port, own, source -> true,
                        (source, s) -> policies.allows(s, target, Integer.parseInt(numberProtocol[0]), numberProtocol[1]));
            }
        });
        assertEquals(expected.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> new TreeSet<>(e.getValue()), (a, b) -> a, TreeMap::new)),
                actual, "who may connect to which pod or address and port");

        boolean defaultDeny = manifests.ofKind("NetworkPolicy").stream().anyMatch(p ->
                asList(path(p, "spec", "ingress")).isEmpty()
                        && asList(path(p, "spec", "egress")).isEmpty()
                        && asList(path(p, "spec", "policyTypes")).containsAll(List.of("Ingress", "Egress"))
                        && pods.values().stream()
                                .allMatch(pod -> NetworkPolicies.matches(path(p, "spec", "podSelector"), pod.labels())));
        assertTrue(defaultDeny, "a default-deny policy (Ingress and Egress, no rules) must select every chorus pod");
    }

    private static void record(Map<String, Set<String>> actual, Map<String, Set<String>> expected, String key,
                               Map<String, Pod> sources, java.util.function.Predicate<String> asked,
                               java.util.function.BiPredicate<String, Pod> allowed) {
        Set<String> admitted = new TreeSet<>();
        sources.forEach((name, source) -> {
            if (asked.test(name) && allowed.test(name, source)) {
                admitted.add(name);
            }
        });
        if (!admitted.isEmpty() || expected.containsKey(key)) {
            actual.put(key, admitted);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, String> stringMap(Object node) {
        Map<String, String> map = new LinkedHashMap<>();
        asMapOrEmpty(node).forEach((k, v) -> map.put(k, String.valueOf(v)));
        return map;
    }

    private static Map<String, Object> asMapOrEmpty(Object node) {
        return node == null ? Map.of() : asMap(node);
    }

    /**
     * The publishers' one bus endpoint: the gateways' headless Service, whose DNS records are every
     * gateway pod, however many there are (they look it up again and again).
     */
    static void assertBusEndpointIsTheHeadlessService(String endpoints, String domainSuffix) {
        assertEquals("tcp://group-gateway-headless" + domainSuffix + ":5557", endpoints, "CHORUS_BUS_ENDPOINTS");
    }

    /**
     * What keeps a service's pods safe and available: no service account token; a read-only root
     * filesystem in every container, the init container too, with an emptyDir at /tmp; a preStop
     * pause shorter than the grace period; six readiness misses before leaving the Service; pods
     * spread by their selector; and a PodDisruptionBudget over the same selector that lets a drain
     * take one pod at a time.
     */
    private static final Pattern SECONDS = Pattern.compile("(?:\\$\\{[^:}]+:)?(\\d+)s\\}?");

    /**
     * What a service's shutdown may take after SIGTERM, from its application.properties: the
     * gateway's stream drain ({@code gateway.stream.drain.duration}), Quarkus' delay and its
     * graceful timeout (each as {@code 10s} or {@code ${key:10s}}; a key absent counts 0).
     */
    static long shutdownBudgetSeconds(String service) {
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newBufferedReader(Repository.ROOT.resolve(service + "/src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long total = 0;
        for (String key : List.of("gateway.stream.drain.duration", "quarkus.shutdown.delay", "quarkus.shutdown.timeout")) {
            String value = properties.getProperty(key);
            if (value == null || key.equals("quarkus.shutdown.delay")
                    && !"true".equals(properties.getProperty("quarkus.shutdown.delay-enabled"))) {
                continue;
            }
            Matcher seconds = SECONDS.matcher(value.trim());
            assertTrue(seconds.matches(), key + " of " + service + " in whole seconds: " + value);
            total += Long.parseLong(seconds.group(1));
        }
        return total;
    }

    static void assertPodsAreHardened(Manifests manifests, String service, Map<String, String> selector) {
        Map<String, Object> workload = manifests.get(workloadKind(service), service);
        Map<String, Object> spec = podSpec(manifests, service);
        Map<String, String> podLabels = stringMap(path(workload, "spec", "template", "metadata", "labels"));
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "pods of " + service + " carry " + selector);
        assertEquals(false, spec.get("automountServiceAccountToken"), "service account token in " + service);

        List<Object> containers = new ArrayList<>(asList(spec.get("initContainers")));
        containers.addAll(asList(spec.get("containers")));
        for (Object c : containers) {
            assertEquals(true, path(c, "securityContext", "readOnlyRootFilesystem"),
                    "read-only root of " + path(c, "name") + " in " + service);
            assertEquals(false, path(c, "securityContext", "allowPrivilegeEscalation"),
                    "privilege escalation of " + path(c, "name") + " in " + service);
        }

        Map<String, Object> container = container(workload, service);
        String tmp = asList(container.get("volumeMounts")).stream()
                .filter(m -> "/tmp".equals(path(m, "mountPath"))).map(m -> (String) path(m, "name"))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at /tmp in " + service));
        assertTrue(asList(spec.get("volumes")).stream()
                        .anyMatch(v -> tmp.equals(path(v, "name")) && path(v, "emptyDir") != null),
                "/tmp of " + service + " is an emptyDir");

        List<Object> preStop = asList(path(container, "lifecycle", "preStop", "exec", "command"));
        assertEquals(2, preStop.size(), "preStop of " + service + ": " + preStop);
        assertEquals("sleep", preStop.get(0), "preStop of " + service);
        int pause = Integer.parseInt(String.valueOf(preStop.get(1)));
        Object grace = spec.get("terminationGracePeriodSeconds");
        assertTrue(pause > 0 && grace instanceof Integer seconds && seconds > pause,
                "the grace period of " + service + " (" + grace + " s) must outlast its preStop pause (" + pause + " s)");
        long stopping = shutdownBudgetSeconds(service);
        assertTrue((Integer) grace >= pause + stopping, "the grace period of " + service + " (" + grace
                + " s) must cover its preStop pause (" + pause + " s) and its own shutdown (" + stopping + " s)");

        assertEquals(6, path(container, "readinessProbe", "failureThreshold"), "readiness misses of " + service);
        assertEquals("/q/health/live", path(container, "livenessProbe", "httpGet", "path"), "liveness of " + service);

        List<Object> spread = asList(spec.get("topologySpreadConstraints"));
        assertFalse(spread.isEmpty(), service + " has no topologySpreadConstraints");
        for (Object constraint : spread) {
            assertEquals(selector, stringMap(path(constraint, "labelSelector", "matchLabels")),
                    "spread selector of " + service + ": " + constraint);
        }

        Map<String, Object> budget = manifests.get("PodDisruptionBudget", service);
        assertEquals("policy/v1", budget.get("apiVersion"));
        assertEquals(1, path(budget, "spec", "maxUnavailable"), "maxUnavailable of " + service);
        assertEquals(selector, stringMap(path(budget, "spec", "selector", "matchLabels")),
                "PodDisruptionBudget selector of " + service);
    }

    /** The script every pod runs first; k8s/base/create-database.sh must be the same file. */
    static final Path CREATE_DATABASE_SCRIPT = Repository.ROOT.resolve("helm/chorus/files/create-database.sh");

    /**
     * Before a service starts, its one init container, create-database, runs the chart's
     * create-database.sh from the ConfigMap chorus-database-init with the libpq settings and the
     * service's own database. A publisher waits for nothing else: no gateway name (BusPublisher
     * retries endpoints that do not resolve yet, so no pod hangs in Init for a gateway replica).
     */
    static void assertCreatesItsDatabaseFirst(Manifests manifests, String service) {
        Map<String, Object> spec = podSpec(manifests, service);
        List<Object> inits = asList(spec.get("initContainers"));
        assertEquals(List.of("create-database"), inits.stream().map(c -> path(c, "name")).toList(),
                "init containers of " + service);
        Map<String, Object> init = asMap(inits.getFirst());
        assertEquals(List.of("sh", "/etc/chorus/init/create-database.sh"), init.get("command"), "create-database command");
        String volume = asList(init.get("volumeMounts")).stream()
                .filter(m -> "/etc/chorus/init".equals(path(m, "mountPath"))).map(m -> (String) path(m, "name"))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at /etc/chorus/init in " + service));
        assertTrue(asList(spec.get("volumes")).stream().anyMatch(v -> volume.equals(path(v, "name"))
                        && "chorus-database-init".equals(path(v, "configMap", "name"))),
                "the create-database step of " + service + " reads the ConfigMap chorus-database-init");
        try {
            assertEquals(Files.readString(CREATE_DATABASE_SCRIPT),
                    path(manifests.get("ConfigMap", "chorus-database-init"), "data", "create-database.sh"),
                    "chorus-database-init holds " + Repository.ROOT.relativize(CREATE_DATABASE_SCRIPT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        // What the step sees: its own variables and those of the ConfigMaps it reads, as Kubernetes sets them.
        Map<String, Object> variables = new LinkedHashMap<>();
        List<Object> readConfig = new ArrayList<>();
        for (String configMap : envFrom(init, "configMapRef")) {
            Object data = manifests.get("ConfigMap", configMap).get("data");
            variables.putAll(asMapOrEmpty(data));
            readConfig.add(data);
        }
        for (Object env : asList(init.get("env"))) {
            variables.put((String) path(env, "name"), Objects.requireNonNullElse(path(env, "value"), path(env, "valueFrom")));
        }
        assertTrue(variables.keySet().containsAll(List.of("PGHOST", "PGPORT", "PGUSER", "CHORUS_DATABASE")),
                "the create-database step of " + service + " gets " + variables.keySet());
        assertEquals(path(manifests.get("ConfigMap", service + "-config"), "data", "CHORUS_DATABASE"),
                variables.get("CHORUS_DATABASE"), "the database the create-database step of " + service + " creates");
        for (String setting : List.of("PGHOST", "PGPORT", "PGUSER")) {
            assertEquals(path(manifests.get("ConfigMap", service + "-config"), "data", setting), variables.get(setting),
                    setting + " of the create-database step of " + service + " and of the service");
        }
        if (PUBLISHERS.contains(service)) {
            String seen = Json.write(init) + Json.write(readConfig);
            assertFalse(seen.contains("group-gateway"), "the create-database step of " + service
                    + " must not wait for the gateways: " + seen);
        }
    }

    /** Objects that belong to a service are named after it: <name>, <name>-config, <name>-headless. */
    static void assertNamesFollowAppLabels(Manifests manifests) {
        for (Map<String, Object> object : manifests.all()) {
            Object app = path(object, "metadata", "labels", "app");
            if (app == null) {
                continue;
            }
            String name = name(object);
            assertTrue(name.equals(app) || name.startsWith(app + "-"),
                    object.get("kind") + " " + name + " is labelled app=" + app);
            if ("ConfigMap".equals(object.get("kind")) && PORTS.containsKey(app)) {
                assertEquals(app + "-config", name, "a service's ConfigMap");
            }
            if ("Secret".equals(object.get("kind")) && PORTS.containsKey(app)) {
                assertEquals(app + "-secrets", name, "a service's Secret");
            }
        }
    }
}
