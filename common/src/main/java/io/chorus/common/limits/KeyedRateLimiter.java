package io.chorus.common.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One resilience4j rate limiter per key (a user, a name and address): {@code permits} per
 * {@code period}, refilled whole at each period's end, so a key may spend a burst of
 * {@code permits} at once and {@code permits / period} on average. The limiters live in a
 * Caffeine cache bounded by {@code maxKeys}, and a key unused for a whole period is dropped: by
 * then its limiter would be full again, so forgetting it changes nothing (a flood of fresh keys
 * evicts the least recently used first, which can only make a limit more lenient, never stuck).
 */
public final class KeyedRateLimiter {

    private final String name;
    private final RateLimiterConfig config;
    private final LongSupplier nanoTime;
    private final Cache<String, AtomicRateLimiter> limiters;

    public KeyedRateLimiter(String name, int permits, Duration period, long maxKeys) {
        this(name, permits, period, maxKeys, System::nanoTime);
    }

    /** With a clock of its own (tests). */
    public KeyedRateLimiter(String name, int permits, Duration period, long maxKeys, LongSupplier nanoTime) {
        if (permits < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(name + ": a rate limit needs at least 1 permit per positive period");
        }
        this.name = name;
        this.nanoTime = nanoTime;
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(permits)
                .limitRefreshPeriod(period)
                .timeoutDuration(Duration.ZERO)
                .build();
        this.limiters = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(period)
                .ticker(nanoTime::getAsLong)
                .build();
    }

    /** Takes one permit; false when the key has none left in this period. */
    public boolean tryAcquire(String key) {
        return limiter(key).acquirePermission();
    }

    /** True when the key has no permit left in this period (nothing is taken). */
    public boolean isExhausted(String key) {
        AtomicRateLimiter limiter = limiters.getIfPresent(key);
        return limiter != null && limiter.getMetrics().getAvailablePermissions() <= 0;
    }

    /** Whole seconds until the key has a permit again (at least 1, for a Retry-After header). */
    public long retryAfterSeconds(String key) {
        AtomicRateLimiter limiter = limiters.getIfPresent(key);
        long nanos = limiter == null ? 0 : limiter.getDetailedMetrics().getNanosToWait();
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Keys currently tracked (bounded by maxKeys). */
    public long trackedKeys() {
        limiters.cleanUp();
        return limiters.estimatedSize();
    }

    private AtomicRateLimiter limiter(String key) {
        return limiters.get(key, k -> (AtomicRateLimiter) RateLimiter.of(name, config, nanoTime::getAsLong));
    }

}
