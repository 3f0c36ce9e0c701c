package io.chorus.user.service;

import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.KeyedRateLimiter;
import io.chorus.common.naming.NameRule;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Slows password guessing: after {@code failures} failed logins for one name from one client
 * address within a window, further attempts for that pair get 429 with Retry-After until the
 * window ends, even with the right password (a guesser must not learn that a guess was right).
 * Other addresses are not affected, so a guesser cannot lock the owner out from everywhere.
 */
public final class LoginThrottle {

    /** Names longer than any valid one are cut before they become a key: the key space stays bounded. */
    private static final int MAX_KEY_NAME = NameRule.MAX_LENGTH + 1;

    private final KeyedRateLimiter failures;
    private final boolean enabled;

    public LoginThrottle(int failures, Duration window, long maxKeys, boolean enabled) {
        this.failures = new KeyedRateLimiter("failed-logins", failures, window, maxKeys);
        this.enabled = enabled;
    }

    public <T> T attempt(String name, String clientAddress, Supplier<T> logIn) {
        if (!enabled) {
            return logIn.get();
        }
        String key = key(name, clientAddress);
        if (failures.isExhausted(key)) {
            throw ProblemException.tooManyRequests("too many failed logins for this name from your address; retry later",
                    failures.retryAfterSeconds(key));
        }
        try {
            return logIn.get();
        } catch (ProblemException e) {
            if (e.status() == 401) {
                failures.tryAcquire(key);
            }
            throw e;
        }
    }

    private static String key(String name, String clientAddress) {
        String normalized = name == null ? "" : NameRule.key(name.length() > MAX_KEY_NAME ? name.substring(0, MAX_KEY_NAME) : name);
        return normalized + "@" + clientAddress;
    }
}
