package io.chorus.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** `kubectl kustomize` over k8s/ and every kustomization under it. */
final class Kustomize {

    static final Path K8S = Repository.ROOT.resolve("k8s");

    private Kustomize() {
    }

    /** k8s/ and each directory under it that holds a kustomization.yaml (the base, overlays, extras). */
    static List<Path> directories() {
        try (Stream<Path> files = Files.walk(K8S)) {
            List<Path> dirs = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .map(Path::getParent)
                    .sorted()
                    .toList();
            assertTrue(dirs.contains(K8S), "k8s/kustomization.yaml");
            return dirs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory relative to the repository, for test names and messages. */
    static String name(Path dir) {
        return Repository.ROOT.relativize(dir).toString();
    }

    static Manifests build(Path dir) {
        try {
            Process build = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
            String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(build.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + name(dir) + " did not finish");
            assertEquals(0, build.exitValue(), "kubectl kustomize " + name(dir) + ": " + output);
            return Manifests.parse(output);
        } catch (IOException e) {
            throw new AssertionError("cannot run kubectl (apt-get install kubernetes-client; .ci/run does): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
