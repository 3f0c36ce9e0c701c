package io.chorus.user.service;

import io.smallrye.jwt.build.Jwt;
import java.security.PrivateKey;
import java.time.Duration;

/** Signs access tokens; every service verifies them with the public key alone. */
public class TokenIssuer {

    private final Duration lifespan;
    private final PrivateKey key;

    /** @param key read by {@link SigningKey}, which takes PKCS#1 files as well as PKCS#8 */
    public TokenIssuer(Duration lifespan, PrivateKey key) {
        this.lifespan = lifespan;
        this.key = key;
    }

    public AccessToken issue(String name) {
        // upn is what MicroProfile JWT exposes as the caller's name in every service.
        String token = Jwt.upn(name)
                .subject(name)
                .groups("user")
                .expiresIn(lifespan)
                .sign(key);
        return new AccessToken(token, lifespan.toSeconds());
    }

    public record AccessToken(String value, long expiresInSeconds) {

        @Override
        public String toString() {
            return "AccessToken[value=<hidden>, expiresInSeconds=" + expiresInSeconds + "]";
        }
    }
}
