package io.chorus.common.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The per-user rate limits of SPEC's Limits; all of them go off with CHORUS_LIMITS=off ({@link LimitsSwitch}). */
@ConfigMapping(prefix = "chorus.rate-limits")
public interface RateLimitsConfig {

    Writes writes();

    Logins logins();

    Registrations registrations();

    /** Keys (users, name and address pairs) tracked at once per limit; the least recently used go first. */
    @WithDefault("100000")
    long maxKeys();

    /**
     * Every user's one write budget (SPEC): posts and DMs, edits, deletes, group creation, joins
     * and leaves, read markers. user-service keeps it for every service and replica; each
     * gateway and dm-service keeps a local one of the same size, used while user-service cannot
     * be asked. The defaults read the keys these had before they covered every write
     * ({@code chorus.rate-limits.posts.*}), so an operator's setting keeps its meaning.
     */
    interface Writes {

        /** Writes at once after a pause: what a client catching up or a human pasting needs. */
        @WithDefault("${chorus.rate-limits.posts.burst:100}")
        int burst();

        /** Writes a second sustained: well above any human, far below what floods a group. */
        @WithDefault("${chorus.rate-limits.posts.per-second:20}")
        int perSecond();

        /** While user-service is unreachable, how long the local budget alone decides before it is asked again. */
        @WithDefault("PT1S")
        Duration localFor();

        /** The local budget's period: a burst refilled whole, so {@code perSecond} on average. */
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
