package io.chorus.common.limits;

import jakarta.inject.Singleton;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code CHORUS_LIMITS=off} (property {@code chorus.limits}) turns the per-user limits off, for
 * benchmarks: the write budget, failed logins, streams per user. Capacity and body limits always hold.
 */
@Singleton
public class LimitsSwitch {

    private final boolean perUser;

    public LimitsSwitch(@ConfigProperty(name = "chorus.limits", defaultValue = "on") String value) {
        this.perUser = switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException("chorus.limits (CHORUS_LIMITS) is 'on' or 'off', not '" + value + "'");
        };
    }

    public boolean perUserLimits() {
        return perUser;
    }
}
