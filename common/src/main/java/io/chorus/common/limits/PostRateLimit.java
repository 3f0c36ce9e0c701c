package io.chorus.common.limits;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import jakarta.inject.Singleton;

/**
 * Posts per user, checked before anything is stored (a refused post is not stored). Each service
 * that takes posts (the gateway for groups, dm-service for DMs) holds its own limiter, and so does
 * each gateway replica: see docs/security.md for what that means across replicas.
 */
@Singleton
public class PostRateLimit {

    private final KeyedRateLimiter limiter;
    private final boolean enabled;

    public PostRateLimit(RateLimitsConfig config, LimitsSwitch limits) {
        this.limiter = new KeyedRateLimiter("posts", config.posts().burst(), config.posts().period(), config.maxKeys());
        this.enabled = limits.perUserLimits();
    }

    /** Takes one post from the user's allowance, or refuses with 429 and Retry-After. */
    public void acquire(String user) {
        String key = NameRule.key(user);
        if (enabled && !limiter.tryAcquire(key)) {
            throw ProblemException.tooManyRequests("you are posting too fast; retry after the Retry-After seconds",
                    limiter.retryAfterSeconds(key));
        }
    }
}
