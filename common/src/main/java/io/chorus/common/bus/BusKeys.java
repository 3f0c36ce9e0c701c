package io.chorus.common.bus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.Config;

/**
 * Reads the bus's CURVE keys from configuration as they were written. Z85 text may hold '$',
 * '{' and '}', and configuration would take "${...}" in a key for an expression to expand (a
 * random key then goes missing, or becomes something else). So their raw values are read here,
 * with no expansion, and they live under chorus.curve, which no config mapping owns (a mapping
 * refuses properties under its prefix that it does not declare).
 *
 * <p>Every public key may be given as such or left to be computed from its secret key
 * ({@link CurveKeyPair#fromSecret}): a Helm chart can generate secret keys but not compute
 * Curve25519, so there a deployment knows only secret keys.
 */
public final class BusKeys {

    /** Publishers: the proxies' public key; or {@link #SERVER_SECRET_KEY}, from which it is computed. */
    public static final String SERVER_KEY = "chorus.curve.server-key";
    /** Publishers: the proxies' secret key, used only to compute their public key when SERVER_KEY is unset. */
    public static final String SERVER_SECRET_KEY = "chorus.curve.server-secret-key";
    /** Publishers: their own public key; optional, computed from SECRET_KEY, and checked against it when set. */
    public static final String PUBLIC_KEY = "chorus.curve.public-key";
    /** Publishers: their own secret key. */
    public static final String SECRET_KEY = "chorus.curve.secret-key";
    /** The proxy (group-gateway): its CURVE server secret key. */
    public static final String PROXY_SECRET_KEY = "chorus.curve.proxy-secret-key";
    /**
     * The proxy: publishers' public keys, comma-separated, under the service that holds them:
     * {@code chorus.curve.allowed-keys.history-service}, {@code ...dm-service}; a key may publish
     * only its service's topics ({@link Topics#mayPublish}). Alone, the property names keys that
     * are admitted (they connect) but belong to no service, so everything they send is refused:
     * the form from before topics had owners, kept so such a configuration starts and says so.
     */
    public static final String ALLOWED_KEYS = "chorus.curve.allowed-keys";
    /** The proxy: publishers' secret keys, comma-separated, whose public halves it admits; per service as above. */
    public static final String ALLOWED_SECRET_KEYS = "chorus.curve.allowed-secret-keys";
    /** The proxy: history-service's keys (public; secret, whose public halves are computed). */
    public static final String ALLOWED_KEYS_HISTORY_SERVICE = "chorus.curve.allowed-keys.history-service";
    public static final String ALLOWED_SECRET_KEYS_HISTORY_SERVICE = "chorus.curve.allowed-secret-keys.history-service";
    /** The proxy: dm-service's keys. */
    public static final String ALLOWED_KEYS_DM_SERVICE = "chorus.curve.allowed-keys.dm-service";
    public static final String ALLOWED_SECRET_KEYS_DM_SERVICE = "chorus.curve.allowed-secret-keys.dm-service";
    /** The publisher an admitted key of the old, undifferentiated lists stands for: none, so it publishes nothing. */
    public static final String NO_SERVICE = "no-service";

    private static final String KNOWN_KEYS_ONLY = "the bus admits only CURVE keys it knows"
            + " (the run command generates them; a Secret in a cluster)";

    private BusKeys() {
    }

    /** The raw value, or a clear failure naming the property (keys are required where they are read). */
    public static String require(Config config, String property) {
        return raw(config, property).orElseThrow(() -> new IllegalStateException(named(property) + " is required: " + KNOWN_KEYS_ONLY));
    }

    /** A comma-separated list of keys (Z85 has no comma). */
    public static List<String> requireList(Config config, String property) {
        return list(require(config, property));
    }

    /** A publisher's own pair: its secret key, and its public key as given (if it matches) or computed. */
    public static CurveKeyPair publisherKeys(Config config) {
        CurveKeyPair pair = CurveKeyPair.fromSecret(require(config, SECRET_KEY));
        raw(config, PUBLIC_KEY).ifPresent(given -> {
            if (!CurveKeyPair.requireKey(given, "public key").equals(pair.publicKey())) {
                throw new IllegalStateException(named(PUBLIC_KEY) + " is not the public half of " + named(SECRET_KEY)
                        + ": the proxies would refuse this publisher. Leave it unset and it is computed from the secret key");
            }
        });
        return pair;
    }

    /** The proxies' public key, as given or computed from their secret key. */
    public static String serverPublicKey(Config config) {
        Optional<String> given = raw(config, SERVER_KEY).map(key -> CurveKeyPair.requireKey(key, "server key"));
        Optional<String> computed = raw(config, SERVER_SECRET_KEY)
                .map(secret -> CurveKeyPair.fromSecret(CurveKeyPair.requireKey(secret, "server secret key")).publicKey());
        if (given.isPresent() && computed.isPresent() && !given.equals(computed)) {
            throw new IllegalStateException(named(SERVER_KEY) + " is not the public half of " + named(SERVER_SECRET_KEY)
                    + ": set one of them");
        }
        return given.or(() -> computed).orElseThrow(() -> new IllegalStateException(
                named(SERVER_KEY) + " or " + named(SERVER_SECRET_KEY) + " is required: " + KNOWN_KEYS_ONLY));
    }

    /**
     * The publishers the proxy admits: each public key (listed, or computed from a listed secret
     * key) with the service it belongs to, or {@link #NO_SERVICE} for a key of the old lists.
     */
    public static Map<String, String> admittedPublishers(Config config) {
        Map<String, String> admitted = new LinkedHashMap<>();
        admit(config, ALLOWED_KEYS, ALLOWED_SECRET_KEYS, NO_SERVICE, admitted);
        admit(config, ALLOWED_KEYS_HISTORY_SERVICE, ALLOWED_SECRET_KEYS_HISTORY_SERVICE, Topics.HISTORY_SERVICE, admitted);
        admit(config, ALLOWED_KEYS_DM_SERVICE, ALLOWED_SECRET_KEYS_DM_SERVICE, Topics.DM_SERVICE, admitted);
        if (admitted.isEmpty()) {
            throw new IllegalStateException(named(ALLOWED_KEYS_HISTORY_SERVICE) + " and " + named(ALLOWED_KEYS_DM_SERVICE)
                    + " (or their secret-key forms, " + named(ALLOWED_SECRET_KEYS_HISTORY_SERVICE) + " and "
                    + named(ALLOWED_SECRET_KEYS_DM_SERVICE) + ") must name the publishers' keys: " + KNOWN_KEYS_ONLY);
        }
        return Map.copyOf(admitted);
    }

    /** The publishers' public keys the proxy admits, whatever they may publish. */
    public static Set<String> admittedPublisherKeys(Config config) {
        return admittedPublishers(config).keySet();
    }

    private static void admit(Config config, String publicKeys, String secretKeys, String service, Map<String, String> admitted) {
        List<String> keys = new ArrayList<>();
        raw(config, publicKeys).map(BusKeys::list).orElse(List.of()).stream()
                .map(key -> CurveKeyPair.requireKey(key, "allowed publisher key"))
                .forEach(keys::add);
        raw(config, secretKeys).map(BusKeys::list).orElse(List.of()).stream()
                .map(secret -> CurveKeyPair.fromSecret(CurveKeyPair.requireKey(secret, "allowed publisher secret key")).publicKey())
                .forEach(keys::add);
        for (String key : keys) {
            String before = admitted.get(key);
            if (before != null && !before.equals(NO_SERVICE) && !before.equals(service)) {
                // One key, one service: otherwise either could forge the other's log.
                throw new IllegalStateException("one bus key is listed for both " + before + " and " + service
                        + " (" + named(publicKeys) + "): give each publisher its own key");
            }
            admitted.put(key, service);
        }
    }

    /** The property with the environment variable that sets it, for messages. */
    private static String named(String property) {
        return property + " (" + property.toUpperCase().replace('.', '_').replace('-', '_') + ")";
    }

    private static List<String> list(String value) {
        return Stream.of(value.split(",")).map(String::strip).filter(key -> !key.isEmpty()).toList();
    }

    private static Optional<String> raw(Config config, String property) {
        String value = config.getConfigValue(property).getRawValue();
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
