package io.chorus.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Strict, offline validation of Kubernetes objects by deploy-tests/k8s-schemas/validate.mjs
 * (Node.js, kubernetes-models' schemas; the build installs it with npm ci): wrong types, missing
 * required fields, fields no schema declares, unknown or non-GA APIs.
 */
final class SchemaValidator {

    static final Path DIRECTORY = Repository.ROOT.resolve("deploy-tests/k8s-schemas");

    /** What is wrong with one object; no problems when it is valid. */
    record Result(String apiVersion, String kind, String name, List<String> problems) {

        @Override
        public String toString() {
            return kind + " " + name + " (" + apiVersion + "): " + String.join("; ", problems);
        }
    }

    private SchemaValidator() {
    }

    /** One result per object, in order. */
    static List<Result> validate(List<Map<String, Object>> objects) {
        // Fails rather than skips: unchecked manifests are not done. .ci/run installs Node.js if missing.
        assertTrue(Files.isDirectory(DIRECTORY.resolve("node_modules")),
                "the schemas are not installed: run the deploy-tests build (it runs npm ci in " + DIRECTORY + ")");
        try {
            Process node = new ProcessBuilder("node", "validate.mjs").directory(DIRECTORY.toFile()).start();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(node.getInputStream()));
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(node.getErrorStream()));
            try (OutputStream stdin = node.getOutputStream()) {
                stdin.write(Json.write(objects).getBytes(StandardCharsets.UTF_8));
            }
            if (!node.waitFor(120, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw new AssertionError("validate.mjs did not finish in 120 s");
            }
            if (node.exitValue() > 1) {
                throw new AssertionError("validate.mjs failed (exit " + node.exitValue() + "): " + stderr.join());
            }
            List<Result> results = new ArrayList<>();
            for (Object entry : Manifests.asList(new Yaml(new LoaderOptions()).load(stdout.join()))) {
                Map<String, Object> result = Manifests.asMap(entry);
                List<String> problems = Manifests.asList(result.get("errors")).stream()
                        .map(e -> Manifests.path(e, "path") + ": " + Manifests.path(e, "message"))
                        .toList();
                results.add(new Result(String.valueOf(result.get("apiVersion")), String.valueOf(result.get("kind")),
                        String.valueOf(result.get("name")), problems));
            }
            if (results.size() != objects.size()) {
                throw new AssertionError("validate.mjs answered for " + results.size() + " of " + objects.size()
                        + " objects: " + stderr.join());
            }
            return results;
        } catch (IOException e) {
            throw new AssertionError("cannot run node (Node.js 20 or newer; .ci/run installs it): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Only the invalid objects. */
    static List<Result> invalid(List<Map<String, Object>> objects) {
        return validate(objects).stream().filter(r -> !r.problems().isEmpty()).toList();
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
