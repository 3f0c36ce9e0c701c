package io.chorus.user.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(4);

    @Test
    void hashIsBcryptAndNeverThePassword() {
        String hash = hasher.hash("correct horse");
        assertTrue(hash.startsWith("$2"), hash);
        assertFalse(hash.contains("correct horse"));
    }

    @Test
    void matchesOnlyTheSamePassword() {
        String hash = hasher.hash("correct horse");
        assertTrue(hasher.matches("correct horse", hash));
        assertFalse(hasher.matches("correct horsE", hash));
        assertFalse(hasher.matches("", hash));
    }

    @Test
    void saltsEveryHash() {
        assertNotEquals(hasher.hash("same password"), hasher.hash("same password"));
    }
}
