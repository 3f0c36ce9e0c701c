package io.chorus.common.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostRateLimitTest {

    /** SPEC's defaults: bursts of 100, 20 a second. */
    private static final RateLimitsConfig DEFAULTS = new RateLimitsConfig() {
        @Override
        public Posts posts() {
            return new Posts() {
                @Override
                public int burst() {
                    return 100;
                }

                @Override
                public int perSecond() {
                    return 20;
                }
            };
        }

        @Override
        public Logins logins() {
            throw new UnsupportedOperationException("not used by posts");
        }

        @Override
        public Registrations registrations() {
            throw new UnsupportedOperationException("not used by posts");
        }

        @Override
        public long maxKeys() {
            return 1000;
        }
    };

    @Test
    void theBurstIsAHundredPostsPerFiveSecondsAndThenA429() {
        assertEquals(Duration.ofSeconds(5), DEFAULTS.posts().period());
        PostRateLimit limit = new PostRateLimit(DEFAULTS, new LimitsSwitch("on"));
        for (int post = 0; post < 100; post++) {
            limit.acquire("Ann");
        }
        ProblemException refused = assertThrows(ProblemException.class, () -> limit.acquire("ann"));
        assertEquals(429, refused.status());
        assertTrue(refused.retryAfterSeconds() >= 1 && refused.retryAfterSeconds() <= 5);
        limit.acquire("bob");
    }

    @Test
    void offLetsEveryPostThrough() {
        PostRateLimit limit = new PostRateLimit(DEFAULTS, new LimitsSwitch("OFF"));
        for (int post = 0; post < 1000; post++) {
            limit.acquire("ann");
        }
    }

    @Test
    void theSwitchTakesOnlyOnOrOff() {
        assertTrue(new LimitsSwitch(" on ").perUserLimits());
        assertEquals(false, new LimitsSwitch("false").perUserLimits());
        assertThrows(IllegalArgumentException.class, () -> new LimitsSwitch("of"));
    }
}
