package io.chorus.common.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The per-user rate limits of SPEC's Limits; all of them go off with CHORUS_LIMITS=off ({@link LimitsSwitch}). */
@ConfigMapping(prefix = "chorus.rate-limits")
public interface RateLimitsConfig {

    Posts posts();

    Logins logins();

    Registrations registrations();

    /** Keys (users, name and address pairs) tracked at once per limit; the least recently used go first. */
    @WithDefault("100000")
    long maxKeys();

    /** Posting, group messages and DMs alike: a burst of {@code burst}, refilled at {@code perSecond}. */
    interface Posts {

        @WithDefault("100")
        int burst();

        @WithDefault("20")
        int perSecond();

        default Duration period() {
            return Duration.ofMillis(Math.max(1, 1000L * burst() / Math.max(1, perSecond())));
        }
    }

    /** Failed logins for one name from one client address: this many per window, then 429. */
    interface Logins {

        @WithDefault("5")
        int failures();

        @WithDefault("PT5M")
        Duration window();
    }

    /** Accounts registered from one client address: this many per window, then 429. */
    interface Registrations {

        @WithDefault("10")
        int perAddress();

        @WithDefault("PT1H")
        Duration window();
    }
}
