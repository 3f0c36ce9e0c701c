package io.chorus.testing;

import io.smallrye.jwt.build.Jwt;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

/** Mints tokens the way user-service does, and the bad ones a verifier must refuse. */
public final class TestTokens {

    private TestTokens() {
    }

    public static String valid(String user) {
        return sign(user, Instant.now().plus(Duration.ofHours(1)), SigningKeys.shared().keyPair().getPrivate());
    }

    public static String expired(String user) {
        return sign(user, Instant.now().minus(Duration.ofHours(2)), SigningKeys.shared().keyPair().getPrivate());
    }

    /** Signed by a key the services do not trust. */
    public static String forged(String user) {
        return sign(user, Instant.now().plus(Duration.ofHours(1)), SigningKeys.generate().keyPair().getPrivate());
    }

    private static String sign(String user, Instant expiresAt, PrivateKey key) {
        return Jwt.issuer("chorus")
                .upn(user)
                .subject(user)
                .groups("user")
                .issuedAt(expiresAt.minus(Duration.ofHours(1)))
                .expiresAt(expiresAt)
                .sign(key);
    }
}
