package io.chorus.common.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} counted events per key (failed logins of a name from an address, accounts
 * registered from an address) within a window, counted so that callers at the same moment cannot
 * overshoot it: a caller reserves a place before the work the limit guards (a bcrypt check, an
 * account's creation), then spends it (the event counts) or releases it (it does not). Places
 * reserved and spent together never exceed the limit, so of 60 concurrent wrong passwords at most
 * {@code limit} are ever checked; the rest are refused at once. Checking first and counting after
 * (what a rate limiter's "is it exhausted?" then "take one" does) lets every concurrent caller
 * through the check before any of them counts.
 *
 * <p>A key's window starts with its first spent place and lasts {@code window}; then the key is
 * fresh. Keys live in a Caffeine cache bounded by {@code maxKeys}, dropped a window after their
 * last use (by then they would be fresh anyway); a flood of new keys evicts the least recently
 * used, which can only make the limit more lenient, never stuck.
 */
public final class KeyedReservations {

    /** A reserved place: spend it if the event counts, release it if not; the first call decides. */
    public interface Reservation {
        void spend();

        void release();
    }

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Cache<String, Places> keys;

    public KeyedReservations(int limit, Duration window, long maxKeys) {
        this(limit, window, maxKeys, System::nanoTime);
    }

    /** With a clock of its own (tests). */
    public KeyedReservations(int limit, Duration window, long maxKeys, LongSupplier nanoTime) {
        if (limit < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a limit needs at least 1 place per positive window");
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.keys = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(window).ticker(nanoTime::getAsLong).build();
    }

    /** A place for the key, or empty when its spent and reserved places fill the limit. */
    public Optional<Reservation> reserve(String key) {
        Places places = keys.get(key, k -> new Places());
        synchronized (places) {
            places.renew(nanoTime.getAsLong());
            if (places.spent + places.reserved >= limit) {
                return Optional.empty();
            }
            places.reserved++;
        }
        return Optional.of(new Held(places));
    }

    /**
     * Whole seconds until the key may have a place again (at least 1, for a Retry-After header):
     * the rest of its window when its places are spent, else a second (they are reserved by
     * attempts in flight, which end in well under that).
     */
    public long retryAfterSeconds(String key) {
        Places places = keys.getIfPresent(key);
        if (places == null) {
            return 1;
        }
        synchronized (places) {
            if (places.spent < limit || places.windowStart == null) {
                return 1;
            }
            long nanos = places.windowStart + windowNanos - nanoTime.getAsLong();
            return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
        }
    }

    /** Keys currently tracked (bounded by maxKeys). */
    public long trackedKeys() {
        keys.cleanUp();
        return keys.estimatedSize();
    }

    private final class Places {
        int spent;
        int reserved;
        Long windowStart;

        /** A window that has ended forgets what was spent in it. */
        void renew(long now) {
            if (windowStart != null && now - windowStart >= windowNanos) {
                spent = 0;
                windowStart = null;
            }
        }
    }

    private final class Held implements Reservation {
        private final Places places;
        private boolean settled;

        Held(Places places) {
            this.places = places;
        }

        @Override
        public void spend() {
            synchronized (places) {
                if (settle()) {
                    long now = nanoTime.getAsLong();
                    places.renew(now);
                    if (places.windowStart == null) {
                        places.windowStart = now;
                    }
                    places.spent++;
                }
            }
        }

        @Override
        public void release() {
            synchronized (places) {
                settle();
            }
        }

        private boolean settle() {
            if (settled) {
                return false;
            }
            settled = true;
            places.reserved--;
            return true;
        }
    }
}
