package io.chorus.user.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "alice", "Bob_2", "x.y-z", "abcdefghijklmnopqrstuvwxyz012345"})
    void acceptsNamesOfLettersDigitsAndPunctuationUpTo32(String name) {
        new Credentials(name, "password1").requireValidForRegistration();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "al ice", "bob!", "é", "abcdefghijklmnopqrstuvwxyz0123456", "a/b"})
    void refusesNamesOutsideTheRule(String name) {
        ProblemException e = assertThrows(ProblemException.class,
                () -> new Credentials(name, "password1").requireValidForRegistration());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("name"));
    }

    @Test
    void neitherPasswordsNorTokensPrintThemselves() {
        // Records print their fields: anything that logs one must not log the secret in it.
        String credentials = new Credentials("ann", "correct horse battery").toString();
        assertTrue(credentials.contains("ann"), credentials);
        assertFalse(credentials.contains("correct horse battery"), credentials);
        String token = new TokenIssuer.AccessToken("eyJhbGciOiJSUzI1NiJ9.payload.signature", 3600).toString();
        assertFalse(token.contains("eyJ"), token);
    }

    @Test
    void refusesMissingName() {
        assertThrows(ProblemException.class, () -> new Credentials(null, "password1").requireValidForRegistration());
    }

    @Test
    void refusesPasswordsShorterThanEight() {
        ProblemException e = assertThrows(ProblemException.class,
                () -> new Credentials("alice", "1234567").requireValidForRegistration());
        assertTrue(e.getMessage().contains("at least 8"));
        new Credentials("alice", "12345678").requireValidForRegistration();
    }

    @Test
    void refusesPasswordsBcryptWouldTruncate() {
        new Credentials("alice", "x".repeat(72)).requireValidForRegistration();
        assertThrows(ProblemException.class, () -> new Credentials("alice", "x".repeat(73)).requireValidForRegistration());
        // 25 three-byte characters are 75 bytes.
        assertThrows(ProblemException.class, () -> new Credentials("alice", "€".repeat(25)).requireValidForRegistration());
    }

    @Test
    void loginWithMalformedInputIsNeverPlausible() {
        assertFalse(new Credentials(null, "password1").isPlausibleLogin());
        assertFalse(new Credentials("alice", null).isPlausibleLogin());
        assertFalse(new Credentials("al ice", "password1").isPlausibleLogin());
        assertTrue(new Credentials("alice", "password1").isPlausibleLogin());
    }
}
