package io.chorus.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository; surefire passes its root as chorus.root (else the module's parent). */
final class Repository {

    static final Path ROOT = root();

    private Repository() {
    }

    private static Path root() {
        Path root = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("k8s")) || !Files.isDirectory(root.resolve("helm"))) {
            throw new IllegalStateException("not the Chorus repository root: " + root);
        }
        return root;
    }
}
