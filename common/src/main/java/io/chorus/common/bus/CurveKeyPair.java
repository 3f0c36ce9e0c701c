package io.chorus.common.bus;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.regex.Pattern;
import javax.crypto.KeyAgreement;
import org.zeromq.ZMQ;

/**
 * A ZeroMQ CURVE key pair (Curve25519), both halves as the 40-character Z85 text that
 * configuration and Secrets carry. The bus authenticates with these: the proxy holds a server
 * pair and the public keys it admits; every publisher holds a pair of its own. Run this class to
 * make one: {@code java -cp '<service>/target/quarkus-app/lib/main/*' io.chorus.common.bus.CurveKeyPair}.
 * A secret key alone is enough ({@link #fromSecret}): the public half is computed from it, so a
 * deployment tool that can only make random text (Helm's randAlphaNum) can make every key.
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

    /**
     * The pair whose secret half is {@code z85Secret}: the public key is X25519(secret, 9), the
     * Curve25519 base point, as ZeroMQ (TweetNaCl's crypto_scalarmult_base) computes it. Any 40
     * characters of Z85 are a secret key, since X25519 clamps the scalar; [0-9a-zA-Z] is a prefix
     * of the Z85 alphabet, so 40 random alphanumerics are one too.
     */
    public static CurveKeyPair fromSecret(String z85Secret) {
        byte[] secret = decode(z85Secret, "secret key");
        return new CurveKeyPair(ZMQ.Curve.z85Encode(publicKeyOf(secret)), z85Secret);
    }

    /**
     * The JDK's X25519 key agreement with a peer whose u-coordinate is 9 is the base-point
     * multiplication. Both sides are RFC 7748's encodings: the scalar as its 32 bytes, the result
     * little-endian, which is also how ZeroMQ's keys are laid out.
     */
    private static byte[] publicKeyOf(byte[] secret) {
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey scalar = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, secret));
            PublicKey basePoint = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(scalar);
            agreement.doPhase(basePoint, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute X25519 (JDK 11 and later can)", e);
        }
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
