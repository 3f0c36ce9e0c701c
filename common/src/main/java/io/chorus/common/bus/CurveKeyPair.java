package io.chorus.common.bus;

import java.util.regex.Pattern;
import org.zeromq.ZMQ;

/**
 * A ZeroMQ CURVE key pair (Curve25519), both halves as the 40-character Z85 text that
 * configuration and Secrets carry. The bus authenticates with these: the proxy holds a server
 * pair and the public keys it admits; every publisher holds a pair of its own. Run this class to
 * make one: {@code java -cp '<service>/target/quarkus-app/lib/main/*' io.chorus.common.bus.CurveKeyPair}.
 */
public record CurveKeyPair(String publicKey, String secretKey) {

    /** Z85: 85 printable characters, 5 for every 4 bytes; a 32-byte key is 40 of them. */
    private static final Pattern Z85_KEY = Pattern.compile("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");

    public CurveKeyPair {
        publicKey = requireKey(publicKey, "public key");
        secretKey = requireKey(secretKey, "secret key");
    }

    public static CurveKeyPair generate() {
        ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
        return new CurveKeyPair(pair.publicKey, pair.secretKey);
    }

    /** The key's 32 bytes, after checking it is 40 characters of Z85 (a wrong key fails at start, by name). */
    public static byte[] decode(String key, String what) {
        return ZMQ.Curve.z85Decode(requireKey(key, what));
    }

    static String requireKey(String key, String what) {
        String trimmed = key == null ? "" : key.strip();
        if (!Z85_KEY.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("the bus " + what + " must be a CURVE key: 40 characters of Z85 text"
                    + " (generate a pair with io.chorus.common.bus.CurveKeyPair)");
        }
        return trimmed;
    }

    @Override
    public String toString() {
        // Records print their fields; a secret must never reach a log by accident.
        return "CurveKeyPair[publicKey=" + publicKey + ", secretKey=<hidden>]";
    }

    /** Prints a fresh pair as {@code public=...} and {@code secret=...} lines (the run command reads them). */
    public static void main(String[] args) {
        CurveKeyPair pair = generate();
        System.out.println("public=" + pair.publicKey());
        System.out.println("secret=" + pair.secretKey());
    }
}
