package io.chorus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

    @TempDir
    Path home;

    @Test
    void usesXdgConfigHomeWhenAbsoluteElseDotConfig() {
        assertEquals(Path.of("/x/chorus/credentials.json"),
                CredentialStore.defaultFile(Map.of("XDG_CONFIG_HOME", "/x"), "/home/a"));
        assertEquals(Path.of("/home/a/.config/chorus/credentials.json"),
                CredentialStore.defaultFile(Map.of("XDG_CONFIG_HOME", "relative"), "/home/a"));
        assertEquals(Path.of("/home/a/.config/chorus/credentials.json"), CredentialStore.defaultFile(Map.of(), "/home/a"));
    }

    @Test
    void savesPrivatelyAndReadsBack() throws Exception {
        Path file = home.resolve("config/chorus/credentials.json");
        CredentialStore store = new CredentialStore(file, new ObjectMapper());
        Credentials alice = new Credentials("alice", "token-1", Instant.parse("2030-01-01T00:00:00Z"));
        store.save(alice);
        assertEquals(Optional.of(alice), store.load());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        try (var leftovers = Files.list(file.getParent())) {
            assertEquals(1, leftovers.count(), "no temporary files left behind");
        }
    }

    @Test
    void tightensAnExistingOpenDirectoryAndReplacesTheOldSession() throws Exception {
        Path directory = Files.createDirectories(home.resolve("chorus"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        CredentialStore store = new CredentialStore(directory.resolve("credentials.json"), new ObjectMapper());
        store.save(new Credentials("alice", "old", null));
        store.save(new Credentials("bob", "new", null));
        assertEquals("bob", store.load().orElseThrow().name());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    }

    @Test
    void deleteForgetsTheSession() {
        CredentialStore store = new CredentialStore(home.resolve("chorus/credentials.json"), new ObjectMapper());
        assertFalse(store.delete());
        store.save(new Credentials("alice", "t", null));
        assertTrue(store.delete());
        assertEquals(Optional.empty(), store.load());
    }

    @Test
    void expiryIsInclusive() {
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        Credentials credentials = new Credentials("a", "t", at);
        assertFalse(credentials.expiredAt(at.minusSeconds(1)));
        assertTrue(credentials.expiredAt(at));
        assertFalse(new Credentials("a", "t", null).expiredAt(at));
    }
}
