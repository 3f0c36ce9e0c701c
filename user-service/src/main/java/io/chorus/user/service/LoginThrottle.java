package io.chorus.user.service;

import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.KeyedReservations;
import io.chorus.common.naming.NameRule;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Slows password guessing: after {@code failures} failed logins for one name from one client
 * address within a window, further attempts for that pair get 429 with Retry-After until the
 * window ends, even with the right password (a guesser must not learn that a guess was right).
 * Other addresses are not affected, so a guesser cannot lock the owner out from everywhere.
 *
 * <p>Each attempt reserves one of the pair's places before its password is checked (bcrypt, tens
 * of milliseconds), so attempts made at the same moment are counted too: however many arrive at
 * once, at most {@code failures} passwords are ever checked per window; the others get 429 at
 * once. A wrong password spends its place; a right one (or a failure that is not a wrong password,
 * such as a 503) gives it back and counts nothing. So a right password sent while the places are
 * held by guesses in flight gets 429 as well; it succeeds a moment later, unless they all failed.
 */
public final class LoginThrottle {

    /** Names longer than any valid one are cut before they become a key: the key space stays bounded. */
    private static final int MAX_KEY_NAME = NameRule.MAX_LENGTH + 1;

    private final KeyedReservations failures;
    private final boolean enabled;

    public LoginThrottle(int failures, Duration window, long maxKeys, boolean enabled) {
        this.failures = new KeyedReservations(failures, window, maxKeys);
        this.enabled = enabled;
    }

    public <T> T attempt(String name, String clientAddress, Supplier<T> logIn) {
        if (!enabled) {
            return logIn.get();
        }
        String key = key(name, clientAddress);
        Optional<KeyedReservations.Reservation> place = failures.reserve(key);
        if (place.isEmpty()) {
            throw ProblemException.tooManyRequests("too many failed logins for this name from your address; retry later",
                    failures.retryAfterSeconds(key));
        }
        try {
            return logIn.get();
        } catch (ProblemException e) {
            if (e.status() == 401) {
                place.get().spend();
            }
            throw e;
        } finally {
            // After a spend this does nothing: a place is settled once.
            place.get().release();
        }
    }

    private static String key(String name, String clientAddress) {
        String normalized = name == null ? "" : NameRule.key(name.length() > MAX_KEY_NAME ? name.substring(0, MAX_KEY_NAME) : name);
        return normalized + "@" + clientAddress;
    }
}
