package io.chorus.user.service;

import io.smallrye.jwt.build.Jwt;
import java.time.Duration;

/** Signs access tokens; every service verifies them with the public key alone. */
public class TokenIssuer {

    private final Duration lifespan;

    public TokenIssuer(Duration lifespan) {
        this.lifespan = lifespan;
    }

    public AccessToken issue(String name) {
        // upn is what MicroProfile JWT exposes as the caller's name in every service.
        String token = Jwt.upn(name)
                .subject(name)
                .groups("user")
                .expiresIn(lifespan)
                .sign();
        return new AccessToken(token, lifespan.toSeconds());
    }

    public record AccessToken(String value, long expiresInSeconds) {

        @Override
        public String toString() {
            return "AccessToken[value=<hidden>, expiresInSeconds=" + expiresInSeconds + "]";
        }
    }
}
