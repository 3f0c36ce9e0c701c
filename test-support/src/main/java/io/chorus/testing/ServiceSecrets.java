package io.chorus.testing;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * The secrets the services share, generated for one test run the way the run command generates
 * them for a local run: the internal service credential, the bus proxy's CURVE key pair, and one
 * pair for each publisher. Never committed, never the same twice.
 */
public record ServiceSecrets(String internalCredential, CurveKeyPair busServer, CurveKeyPair historyPublisher,
                             CurveKeyPair dmPublisher) {

    /** A ZeroMQ CURVE key pair as Z85 text. */
    public record CurveKeyPair(String publicKey, String secretKey) {

        static CurveKeyPair generate() {
            ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
            return new CurveKeyPair(pair.publicKey, pair.secretKey);
        }

        @Override
        public String toString() {
            return "CurveKeyPair[publicKey=" + publicKey + ", secretKey=<hidden>]";
        }
    }

    private static ServiceSecrets shared;

    public static synchronized ServiceSecrets shared() {
        if (shared == null) {
            shared = generate();
        }
        return shared;
    }

    public static ServiceSecrets generate() {
        byte[] credential = new byte[32];
        new SecureRandom().nextBytes(credential);
        return new ServiceSecrets(HexFormat.of().formatHex(credential), CurveKeyPair.generate(),
                CurveKeyPair.generate(), CurveKeyPair.generate());
    }

    /** Environment variables of one service, as the run command sets them. */
    public Map<String, String> environment(String module) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CHORUS_INTERNAL_CREDENTIAL", internalCredential);
        CurveKeyPair publisher = switch (module) {
            case "history-service" -> historyPublisher;
            case "dm-service" -> dmPublisher;
            default -> null;
        };
        if (publisher != null) {
            env.put("CHORUS_CURVE_SERVER_KEY", busServer.publicKey());
            env.put("CHORUS_CURVE_PUBLIC_KEY", publisher.publicKey());
            env.put("CHORUS_CURVE_SECRET_KEY", publisher.secretKey());
        }
        if (module.equals("group-gateway")) {
            env.put("CHORUS_CURVE_PROXY_SECRET_KEY", busServer.secretKey());
            // Each publisher's key under its service: a key may publish only that service's topics.
            env.put("CHORUS_CURVE_ALLOWED_KEYS_HISTORY_SERVICE", historyPublisher.publicKey());
            env.put("CHORUS_CURVE_ALLOWED_KEYS_DM_SERVICE", dmPublisher.publicKey());
        }
        return env;
    }

    /** The same as configuration properties, for a {@code @QuarkusTest} (one service plays any role). */
    public Map<String, String> properties() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("chorus.internal.credential", internalCredential);
        config.put("chorus.curve.server-key", busServer.publicKey());
        config.put("chorus.curve.public-key", historyPublisher.publicKey());
        config.put("chorus.curve.secret-key", historyPublisher.secretKey());
        config.put("chorus.curve.proxy-secret-key", busServer.secretKey());
        config.put("chorus.curve.allowed-keys.history-service", historyPublisher.publicKey());
        config.put("chorus.curve.allowed-keys.dm-service", dmPublisher.publicKey());
        return config;
    }

    public List<String> allowedKeys() {
        return List.of(historyPublisher.publicKey(), dmPublisher.publicKey());
    }

    /** Every secret, for checking that none of them reaches a log. */
    public List<String> all() {
        return List.of(internalCredential, busServer.secretKey(), historyPublisher.secretKey(), dmPublisher.secretKey());
    }

    @Override
    public String toString() {
        return "ServiceSecrets[<hidden>]";
    }
}
