package io.chorus.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The rendered Kubernetes objects, with the lookups the simulation needs. */
record RenderedChart(List<Map<String, Object>> objects) {

    static RenderedChart parse(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
        return new RenderedChart(objects);
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
