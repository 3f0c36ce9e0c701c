package io.chorus.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

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
    void refusesWhatIsNotAKey() {
        String valid = CurveKeyPair.generate().publicKey();
        for (String bad : new String[] {null, "", valid.substring(1), valid + "x", valid.substring(1) + " ", valid.substring(1) + "\"", "~".repeat(40)}) {
            assertThrows(IllegalArgumentException.class, () -> CurveKeyPair.decode(bad, "key"), String.valueOf(bad));
        }
    }

    @Test
    void neverPrintsTheSecret() {
        CurveKeyPair pair = CurveKeyPair.generate();
        assertFalse(pair.toString().contains(pair.secretKey()));
    }
}
