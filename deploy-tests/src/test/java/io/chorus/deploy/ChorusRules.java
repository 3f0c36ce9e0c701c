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

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every way of deploying Chorus must get right, checked the same on the rendered chart and
 * on k8s/: one name per service (STYLE.md), probes, ports, the public paths, the bus.
 */
final class ChorusRules {

    /** Service name to its HTTP port (SPEC.md's table). */
    static final Map<String, Integer> PORTS = Map.of(
            "user-service", 8081, "dm-service", 8082, "group-gateway", 8080, "history-service", 8083);

    static final Set<String> PUBLISHERS = Set.of("dm-service", "history-service", "group-gateway");

    /** Public path prefix to the service that owns it; history-service has none. */
    static final Map<String, String> ROUTES = routes();

    private static Map<String, String> routes() {
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("/api/users", "user-service");
        routes.put("/api/auth", "user-service");
        routes.put("/api/me", "user-service");
        routes.put("/api/dms", "dm-service");
        routes.put("/api/groups", "group-gateway");
        routes.put("/api/events", "group-gateway");
        routes.put("/", "group-gateway");
        return routes;
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
                ? Map.of("http", 8080, "bus-xsub", 5557, "bus-xpub", 5558)
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

    /** One Ingress, one host, each public path to its owner, history-service nowhere. */
    static void assertIngressRoutesPublicPaths(Manifests manifests) {
        List<Map<String, Object>> ingresses = manifests.ofKind("Ingress");
        assertEquals(1, ingresses.size(), "Ingresses");
        Map<String, Object> ingress = ingresses.getFirst();
        List<Object> rules = asList(path(ingress, "spec", "rules"));
        assertEquals(1, rules.size(), "one host");
        Map<String, String> routes = new LinkedHashMap<>();
        for (Object p : asList(path(rules.getFirst(), "http", "paths"))) {
            assertEquals("Prefix", path(p, "pathType"));
            String previous = routes.put((String) path(p, "path"), (String) path(p, "backend", "service", "name"));
            assertEquals(null, previous, "path listed twice: " + path(p, "path"));
            assertEquals("http", path(p, "backend", "service", "port", "name"));
        }
        assertEquals(ROUTES, routes, "Ingress routes");
        assertFalse(routes.containsValue("history-service"), "history-service must stay internal");
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
        assertEquals(Set.of(5557, 5558), ports, "bus ports on the headless Service");
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
