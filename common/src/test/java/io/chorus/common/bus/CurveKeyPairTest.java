package io.chorus.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

class CurveKeyPairTest {

    @Test
    void generatesDistinctPairsOfZ85Keys() {
        CurveKeyPair one = CurveKeyPair.generate();
        CurveKeyPair two = CurveKeyPair.generate();
        assertEquals(40, one.publicKey().length());
        assertEquals(32, CurveKeyPair.decode(one.secretKey(), "secret key").length);
        assertNotEquals(one.publicKey(), two.publicKey());
    }

    @Test
    void computesThePublicKeyZeroMqPairsWithTheSecret() {
        for (int pair = 0; pair < 50; pair++) {
            ZMQ.Curve.KeyPair zeromq = ZMQ.Curve.generateKeyPair();
            assertEquals(zeromq.publicKey, CurveKeyPair.fromSecret(zeromq.secretKey).publicKey(), "pair " + pair);
            assertEquals(zeromq.secretKey, CurveKeyPair.fromSecret(zeromq.secretKey).secretKey());
        }
    }

    /** RFC 7748, section 6.1: Alice's key pair; pins the byte order independently of JeroMQ. */
    @Test
    void matchesTheX25519TestVector() {
        byte[] secret = HexFormat.of().parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] expected = HexFormat.of().parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        CurveKeyPair pair = CurveKeyPair.fromSecret(ZMQ.Curve.z85Encode(secret));
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(CurveKeyPair.decode(pair.publicKey(), "key")));
    }

    /** What Helm's randAlphaNum 40 makes is a secret key: [0-9a-zA-Z] begins the Z85 alphabet. */
    @Test
    void takesFortyRandomAlphanumericsAsASecretKey() {
        String secret = alphanumerics(40);
        CurveKeyPair pair = CurveKeyPair.fromSecret(secret);
        assertEquals(secret, pair.secretKey());
        assertEquals(32, CurveKeyPair.decode(pair.publicKey(), "public key").length);
        assertEquals(pair.publicKey(), CurveKeyPair.fromSecret(secret).publicKey(), "the same secret, the same public key");
        assertNotEquals(pair.publicKey(), CurveKeyPair.fromSecret(alphanumerics(40)).publicKey());
    }

    @Test
    void refusesWhatIsNotAKey() {
        String valid = CurveKeyPair.generate().publicKey();
        for (String bad : new String[] {null, "", valid.substring(1), valid + "x", valid.substring(1) + " ", valid.substring(1) + "\"", "~".repeat(40)}) {
            assertThrows(IllegalArgumentException.class, () -> CurveKeyPair.decode(bad, "key"), String.valueOf(bad));
            assertThrows(IllegalArgumentException.class, () -> CurveKeyPair.fromSecret(bad), String.valueOf(bad));
        }
    }

    @Test
    void neverPrintsTheSecret() {
        CurveKeyPair pair = CurveKeyPair.generate();
        assertFalse(pair.toString().contains(pair.secretKey()));
    }

    static String alphanumerics(int length) {
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        SecureRandom random = new SecureRandom();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
