package io.chorus.common.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * At most one typing event per user and conversation every {@link #INTERVAL} (SPEC): typing
 * is sent by clients on every key press, and each one would otherwise reach every member. Kept
 * where typing is published and again where it is delivered (every gateway), so the rule holds
 * however many replicas a user's calls are spread over. Bounded: entries expire after the
 * interval, so memory follows how many people type at once.
 */
public final class TypingThrottle {

    public static final Duration INTERVAL = Duration.ofSeconds(2);

    private final Cache<String, Boolean> recent;

    public TypingThrottle() {
        this(INTERVAL);
    }

    public TypingThrottle(Duration interval) {
        this.recent = Caffeine.newBuilder().expireAfterWrite(interval).maximumSize(1_000_000).build();
    }

    /** True for the first call with this key in the interval; false for the ones to drop. */
    public boolean pass(String key) {
        return recent.asMap().putIfAbsent(key, Boolean.TRUE) == null;
    }
}
