package io.chorus.user.service;

import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.KeyedReservations;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * SPEC: at most {@code accounts} registrations per client address within a window (10 an hour),
 * then 429 with Retry-After, so one client cannot mint accounts (and with them fresh write
 * budgets) by the thousand. A registration reserves its place before the password is hashed, so
 * registrations at the same moment count too; one that is refused (an invalid name, a name
 * taken) gives its place back: only accounts created count.
 */
public final class RegistrationThrottle {

    private final KeyedReservations accounts;
    private final boolean enabled;

    public RegistrationThrottle(int accounts, Duration window, long maxKeys, boolean enabled) {
        this.accounts = new KeyedReservations(accounts, window, maxKeys);
        this.enabled = enabled;
    }

    public <T> T register(String clientAddress, Supplier<T> register) {
        if (!enabled) {
            return register.get();
        }
        Optional<KeyedReservations.Reservation> place = accounts.reserve(clientAddress);
        if (place.isEmpty()) {
            throw ProblemException.tooManyRequests("too many accounts registered from your address; retry later",
                    accounts.retryAfterSeconds(clientAddress));
        }
        try {
            T created = register.get();
            place.get().spend();
            return created;
        } finally {
            place.get().release();
        }
    }
}
