package io.chorus.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Kubernetes objects parsed from YAML (rendered chart output or manifest files), with lookups. */
final class Manifests {

    private final List<Map<String, Object>> objects;

    private Manifests(List<Map<String, Object>> objects) {
        this.objects = List.copyOf(objects);
    }

    static Manifests parse(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
            if (document != null) {
                objects.add(asMap(document));
            }
        }
        return new Manifests(objects);
    }

    static Manifests of(List<Map<String, Object>> objects) {
        return new Manifests(objects);
    }

    static Manifests read(List<Path> files) {
        StringBuilder all = new StringBuilder();
        for (Path file : files) {
            try {
                all.append(Files.readString(file)).append("\n---\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return parse(all.toString());
    }

    List<Map<String, Object>> all() {
        return objects;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    static String name(Map<String, Object> object) {
        return (String) path(object, "metadata", "name");
    }

    /** The value at a path of map keys and list indexes, or null where the path ends early. */
    static Object path(Object node, Object... keys) {
        Object current = node;
        for (Object key : keys) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(key);
            } else if (current instanceof List<?> list && key instanceof Integer index) {
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node) {
        assertNotNull(node, "expected a mapping");
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object node) {
        return node == null ? List.of() : (List<Object>) node;
    }

    static Map<String, Object> container(Map<String, Object> workload, String name) {
        return asList(path(workload, "spec", "template", "spec", "containers")).stream()
                .map(Manifests::asMap)
                .filter(c -> Objects.equals(name, c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in " + name(workload)));
    }

    static void assertLabel(Map<String, Object> object, String label, String expected) {
        assertEquals(expected, path(object, "metadata", "labels", label),
                label + " label of " + object.get("kind") + " " + name(object));
    }
}
