package io.chorus.cli;

import java.time.Instant;

/** Who is logged in on this machine: the access token every service accepts, and when it runs out. */
record Credentials(String name, String accessToken, Instant expiresAt) {

    boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
