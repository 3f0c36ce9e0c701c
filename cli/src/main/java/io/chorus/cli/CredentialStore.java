package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The saved session, in credentials.json under the XDG config directory. The token lets anyone
 * who reads it post as you, so the directory is 700 and the file 600, and the file is created
 * with those permissions rather than narrowed afterwards (no window where it is world-readable).
 */
final class CredentialStore {

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final ObjectMapper json;

    CredentialStore(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    /** $XDG_CONFIG_HOME/chorus/credentials.json, or ~/.config/chorus/credentials.json as the XDG spec says. */
    static Path defaultFile(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_CONFIG_HOME");
        // The XDG Base Directory spec ignores relative values.
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg) : Path.of(userHome, ".config");
        return base.resolve("chorus").resolve("credentials.json");
    }

    Path file() {
        return file;
    }

    Optional<Credentials> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = json.readTree(file.toFile());
            String name = node.path("name").asText(null);
            String token = node.path("accessToken").asText(null);
            if (name == null || token == null) {
                return Optional.empty();
            }
            String expires = node.path("expiresAt").asText(null);
            return Optional.of(new Credentials(name, token, expires == null ? null : Instant.parse(expires)));
        } catch (IOException | RuntimeException e) {
            throw ChorusException.usage("cannot read " + file + " (" + e.getMessage() + "); remove it and log in again");
        }
    }

    void save(Credentials credentials) {
        ObjectNode node = json.createObjectNode()
                .put("name", credentials.name())
                .put("accessToken", credentials.accessToken());
        if (credentials.expiresAt() != null) {
            node.put("expiresAt", credentials.expiresAt().toString());
        }
        try {
            Path directory = file.toAbsolutePath().getParent();
            createPrivateDirectory(directory);
            // Write beside it and rename, so a crash never leaves half a file and readers see old or new.
            Path temporary = Files.createTempFile(directory, ".credentials", ".tmp", attributes(FILE));
            try {
                Files.write(temporary, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
                restrict(temporary, FILE);
                try {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Forgets the session; false if there was none. */
    boolean delete() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        Path parent = directory.getParent();
        if (parent != null) {
            // Parents such as ~/.config are the user's to set up; only chorus/ itself is narrowed.
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(directory, attributes(DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            // Made by an older version or by hand: tighten it anyway.
        }
        restrict(directory, DIRECTORY);
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        // The umask may have taken bits away at creation; it never adds any, but set them exactly.
        if (posix()) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static boolean posix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
