package io.chorus.common.bus;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Reads the bus's CURVE keys from configuration as they were written. Z85 text may hold '$',
 * '{' and '}', and configuration would take "${...}" in a key for an expression to expand (a
 * random key then goes missing, or becomes something else). So their raw values are read here,
 * with no expansion, and they live under chorus.curve, which no config mapping owns (a mapping
 * refuses properties under its prefix that it does not declare).
 */
public final class BusKeys {

    public static final String SERVER_KEY = "chorus.curve.server-key";
    public static final String PUBLIC_KEY = "chorus.curve.public-key";
    public static final String SECRET_KEY = "chorus.curve.secret-key";
    public static final String PROXY_SECRET_KEY = "chorus.curve.proxy-secret-key";
    public static final String ALLOWED_KEYS = "chorus.curve.allowed-keys";

    private BusKeys() {
    }

    /** The raw value, or a clear failure naming the property (keys are required where they are read). */
    public static String require(Config config, String property) {
        return raw(config, property).orElseThrow(() -> new IllegalStateException(property + " ("
                + property.toUpperCase().replace('.', '_').replace('-', '_') + ") is required: the bus admits only"
                + " CURVE keys it knows (the run command generates them; a Secret in a cluster)"));
    }

    /** A comma-separated list of keys (Z85 has no comma). */
    public static List<String> requireList(Config config, String property) {
        return Arrays.stream(require(config, property).split(",")).map(String::strip).filter(key -> !key.isEmpty()).toList();
    }

    private static Optional<String> raw(Config config, String property) {
        String value = config.getConfigValue(property).getRawValue();
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
