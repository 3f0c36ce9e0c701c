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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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

    /** The Secret key (of the bus keys Secret) each service may see; user-service is not on the bus. */
    static final Map<String, Set<String>> BUS_KEYS = Map.of(
            "user-service", Set.of(),
            "group-gateway", Set.of("server-secret", "history-public", "dm-public"),
            "history-service", Set.of("server-public", "history-public", "history-secret"),
            "dm-service", Set.of("server-public", "dm-public", "dm-secret"));

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

    /**
     * The deployment's secrets reach each service from Secrets, and only the keys it needs: every
     * service the internal credential; the gateway the proxy's secret key and the publishers' public
     * keys (as CHORUS_CURVE_ALLOWED_KEYS); each publisher the proxy's public key and its own pair.
     * No publisher sees the proxy's secret key or another publisher's, the gateway no publisher's
     * secret key, and no ConfigMap holds any of them.
     */
    static void assertSecretsReachOnlyWhoNeedsThem(Manifests manifests, String service, String internalSecret,
                                                   String busSecret) {
        Map<String, Object> container = container(manifests.get(workloadKind(service), service), service);
        assertEquals(List.of(internalSecret, "credential"), secretRef(container, service, "CHORUS_INTERNAL_CREDENTIAL"),
                "internal credential of " + service);

        Set<String> busKeys = new TreeSet<>();
        for (Object env : asList(container.get("env"))) {
            Object ref = path(env, "valueFrom", "secretKeyRef");
            if (ref != null && busSecret.equals(path(ref, "name"))) {
                busKeys.add((String) path(ref, "key"));
            }
        }
        assertEquals(new TreeSet<>(BUS_KEYS.get(service)), busKeys, "bus keys " + service + " can read");

        if (service.equals("group-gateway")) {
            assertEquals(List.of(busSecret, "server-secret"), secretRef(container, service, "CHORUS_CURVE_PROXY_SECRET_KEY"));
            assertEquals(List.of(List.of(busSecret, "history-public"), List.of(busSecret, "dm-public")),
                    expandedSecretRefs(container, service, "CHORUS_CURVE_ALLOWED_KEYS"),
                    "the publishers the proxy admits");
        } else if (PUBLISHERS.contains(service)) {
            String own = service.replace("-service", "");
            assertEquals(List.of(busSecret, "server-public"), secretRef(container, service, "CHORUS_CURVE_SERVER_KEY"));
            assertEquals(List.of(busSecret, own + "-public"), secretRef(container, service, "CHORUS_CURVE_PUBLIC_KEY"));
            assertEquals(List.of(busSecret, own + "-secret"), secretRef(container, service, "CHORUS_CURVE_SECRET_KEY"));
        }
        Map<String, Object> config = asMapOrEmpty(manifests.get("ConfigMap", service + "-config").get("data"));
        for (String secret : List.of("CHORUS_INTERNAL_CREDENTIAL", "CHORUS_CURVE_PROXY_SECRET_KEY", "CHORUS_CURVE_ALLOWED_KEYS",
                "CHORUS_CURVE_SERVER_KEY", "CHORUS_CURVE_PUBLIC_KEY", "CHORUS_CURVE_SECRET_KEY")) {
            assertFalse(config.containsKey(secret), service + "-config must not hold " + secret);
        }
    }

    /**
     * A comma-separated variable built from others with Kubernetes' $(NAME) expansion: the Secret
     * references behind each item. An item must be a reference to a variable defined before it.
     */
    private static List<List<String>> expandedSecretRefs(Map<String, Object> container, String service, String name) {
        Map<String, Object> env = env(container, name);
        assertNotNull(env, service + " gets no " + name);
        List<String> defined = asList(container.get("env")).stream().map(e -> (String) path(e, "name")).toList();
        List<List<String>> refs = new ArrayList<>();
        for (String item : String.valueOf(env.get("value")).split(",")) {
            Matcher reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(item.strip());
            assertTrue(reference.matches(), name + " of " + service + " must be built from secret references: " + item);
            String variable = reference.group(1);
            assertTrue(defined.indexOf(variable) >= 0 && defined.indexOf(variable) < defined.indexOf(name),
                    variable + " must be defined before " + name + " in " + service
                            + " (Kubernetes expands only those)");
            refs.add(secretRef(container, service, variable));
        }
        return refs;
    }

    /**
     * Every chorus pod refuses connections except the ones the architecture needs: from the
     * Ingress controller (found by its namespace's labels) to the public HTTP ports, dm-service to
     * user-service, the gateway to dm-service and history-service, the publishers to the bus
     * proxy, and, where postgres runs alongside, the four services to it. Checked by asking the
     * policies about each source and port, so a rule that admits too much fails as well as a
     * missing one.
     */
    static void assertNetworkPoliciesAdmitOnlyTheArchitecture(Manifests manifests, String namespace,
                                                              Map<String, String> ingressNamespaceLabels) {
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

        Map<String, Pod> sources = new LinkedHashMap<>(pods);
        String controllerNamespace = ingressNamespaceLabels.getOrDefault("kubernetes.io/metadata.name", "ingress");
        sources.put("the Ingress controller", new Pod(controllerNamespace, ingressNamespaceLabels,
                Map.of("app.kubernetes.io/name", "ingress-nginx"), Map.of()));
        sources.put("another pod of the namespace", new Pod(namespace, Map.of("app", "debug-shell")));
        sources.put("a pod of another namespace", new Pod("elsewhere", Map.of("app", "client")));
        // Labels are anyone's to set: a rule for "the gateway" must mean the gateway of this namespace.
        pods.forEach((name, pod) -> sources.put(name + " look-alike in another namespace",
                new Pod("elsewhere", pod.labels())));

        Map<String, Set<String>> expected = new LinkedHashMap<>();
        expected.put("user-service:http", Set.of("the Ingress controller", "dm-service"));
        expected.put("dm-service:http", Set.of("the Ingress controller", "group-gateway"));
        expected.put("history-service:http", Set.of("group-gateway"));
        expected.put("group-gateway:http", Set.of("the Ingress controller"));
        expected.put("group-gateway:bus-xsub", Set.of("history-service", "dm-service"));
        if (pods.containsKey("postgres")) {
            expected.put("postgres:postgres", PORTS.keySet());
        }

        Map<String, Set<String>> actual = new LinkedHashMap<>();
        for (Map.Entry<String, Pod> target : pods.entrySet()) {
            Pod pod = target.getValue();
            assertTrue(policies.isolates(pod), "no NetworkPolicy selects " + target.getKey() + ": it admits anyone");
            Map<String, Integer> ports = new LinkedHashMap<>(pod.namedPorts());
            // A port nothing listens on yet stays closed too: rules name their ports.
            ports.put("unlisted", 9999);
            for (Map.Entry<String, Integer> port : ports.entrySet()) {
                Set<String> admitted = new TreeSet<>();
                sources.forEach((sourceName, source) -> {
                    if (!sourceName.equals(target.getKey()) && policies.allows(source, pod, port.getValue())) {
                        admitted.add(sourceName);
                    }
                });
                if (!admitted.isEmpty() || expected.containsKey(target.getKey() + ":" + port.getKey())) {
                    actual.put(target.getKey() + ":" + port.getKey(), admitted);
                }
            }
        }
        Map<String, Set<String>> sortedExpected = new LinkedHashMap<>();
        expected.forEach((k, v) -> sortedExpected.put(k, new TreeSet<>(v)));
        assertEquals(sortedExpected, actual, "who may connect to which pod and port");

        boolean defaultDeny = manifests.ofKind("NetworkPolicy").stream().anyMatch(p ->
                asList(path(p, "spec", "ingress")).isEmpty()
                        && asList(path(p, "spec", "policyTypes")).contains("Ingress")
                        && pods.values().stream()
                                .allMatch(pod -> NetworkPolicies.matches(path(p, "spec", "podSelector"), pod.labels())));
        assertTrue(defaultDeny, "a default-deny policy (Ingress, no rules) must select every chorus pod");
    }

    private static Map<String, String> stringMap(Object node) {
        Map<String, String> map = new LinkedHashMap<>();
        asMapOrEmpty(node).forEach((k, v) -> map.put(k, String.valueOf(v)));
        return map;
    }

    private static Map<String, Object> asMapOrEmpty(Object node) {
        return node == null ? Map.of() : asMap(node);
    }

    /** One XSUB endpoint per gateway replica, in pod order. */
    static void assertBusEndpointsFollowReplicas(String endpoints, int replicas, String domainSuffix) {
        List<String> expected = java.util.stream.IntStream.range(0, replicas)
                .mapToObj(i -> "tcp://group-gateway-" + i + ".group-gateway-headless" + domainSuffix + ":5557")
                .toList();
        assertEquals(expected, Arrays.asList(endpoints.split(",")), "CHORUS_BUS_ENDPOINTS");
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
