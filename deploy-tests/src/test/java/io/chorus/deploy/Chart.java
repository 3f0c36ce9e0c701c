package io.chorus.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** helm/chorus rendered in-process (helm-java) as `helm template` renders it. */
final class Chart {

    static final Path CHART = Repository.ROOT.resolve("helm/chorus");
    static final String RELEASE = "chorus";
    static final String NAMESPACE = "messaging";
    /** A recent Kubernetes, as the schemas SchemaValidationTest checks against. */
    static final String KUBE_VERSION = "v1.34.0";

    private static final String HOOK = "helm.sh/hook";
    private static final String HOOK_STAND_IN = "deploy-tests.chorus.invalid/hook";

    private Chart() {
    }

    /** Renders with exactly these values over values.yaml (keys as `helm --set` takes them); no hooks. */
    static Manifests render(Map<String, Object> values) {
        return render(CHART, values);
    }

    private static Manifests render(Path chart, Map<String, Object> values) {
        TemplateCommand template = new Helm(chart).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        values.forEach(template::set);
        return Manifests.parse(template.call());
    }

    /**
     * Renders the hooks too (the helm test Pods), as the helm command's `helm template` does.
     * helm-java's template prints the release's manifest only, without its hooks, so this renders
     * a copy of the chart whose templates spell the hook annotations differently (Helm then takes
     * those objects for ordinary ones) and spells them back in the objects rendered.
     */
    static Manifests renderIncludingHooks(Map<String, Object> values) {
        Path copy = null;
        try {
            copy = Files.createTempDirectory("chorus-chart-");
            Path chart = copy.resolve(CHART.getFileName());
            try (Stream<Path> files = Files.walk(CHART)) {
                for (Path file : files.toList()) {
                    Path target = chart.resolve(CHART.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else if (CHART.relativize(file).startsWith("templates")) {
                        Files.writeString(target, Files.readString(file).replace(HOOK, HOOK_STAND_IN));
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
            return Manifests.of(render(chart, values).all().stream().map(Chart::restoreHookAnnotations).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(copy);
        }
    }

    private static Map<String, Object> restoreHookAnnotations(Map<String, Object> object) {
        Object annotations = Manifests.path(object, "metadata", "annotations");
        if (annotations instanceof Map<?, ?> map && map.keySet().stream().anyMatch(k -> k.toString().startsWith(HOOK_STAND_IN))) {
            Map<String, Object> restored = new LinkedHashMap<>();
            map.forEach((key, value) -> restored.put(key.toString().replace(HOOK_STAND_IN, HOOK), value));
            Manifests.asMap(object.get("metadata")).put("annotations", restored);
        }
        return object;
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The helm test hooks among rendered objects. */
    static List<Map<String, Object>> testHooks(Manifests manifests) {
        return manifests.all().stream().filter(o -> Manifests.path(o, "metadata", "annotations", HOOK) instanceof String hook
                && List.of(hook.split(",")).contains("test")).toList();
    }
}
