package io.chorus.common.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

class InternalCredentialTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Path("/internal/messages")
    static class InternalResource {
    }

    @Path("internal")
    static class InternalRoot {
    }

    @Path("/api/internalish")
    static class PublicResource {
    }

    @Test
    void acceptsOnlyTheExactCredential() {
        InternalCredential credential = new InternalCredential(SECRET);
        assertTrue(credential.matches(SECRET));
        assertFalse(credential.matches(null));
        assertFalse(credential.matches(""));
        assertFalse(credential.matches(SECRET.substring(1)));
        assertFalse(credential.matches(SECRET + "0"));
        assertFalse(credential.matches(SECRET.toUpperCase()));
    }

    @Test
    void refusesToStartWithAShortOrMissingCredential() {
        assertThrows(IllegalArgumentException.class, () -> new InternalCredential("short"));
        assertThrows(IllegalArgumentException.class, () -> new InternalCredential("   "));
    }

    @Test
    void knowsInternalResourcesByTheirPath() {
        assertTrue(InternalCredential.isInternal(InternalResource.class));
        assertTrue(InternalCredential.isInternal(InternalRoot.class));
        assertFalse(InternalCredential.isInternal(PublicResource.class));
        assertFalse(InternalCredential.isInternal(Object.class));
        assertFalse(InternalCredential.isInternal(null));
    }
}
