package io.chorus.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BusKeysTest {

    /** A Z85 key may hold "${...}": configuration would expand it as an expression. */
    private static final String KEY_WITH_EXPRESSION = "rq:rM>}U?@Lns47E1%kR${a}n%FcmmsL/@{H8]yf";

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }

    @Test
    void readsKeysAsWrittenWithoutExpandingThem() {
        assertEquals(40, KEY_WITH_EXPRESSION.length());
        SmallRyeConfig config = config(Map.of(BusKeys.SECRET_KEY, KEY_WITH_EXPRESSION,
                BusKeys.ALLOWED_KEYS, KEY_WITH_EXPRESSION + ", " + CurveKeyPair.generate().publicKey()));
        // What an ordinary read makes of it: not the key.
        Optional<String> expanded;
        try {
            expanded = config.getOptionalValue(BusKeys.SECRET_KEY, String.class);
        } catch (RuntimeException expansionFailed) {
            expanded = Optional.empty();
        }
        assertNotEquals(Optional.of(KEY_WITH_EXPRESSION), expanded);

        assertEquals(KEY_WITH_EXPRESSION, BusKeys.require(config, BusKeys.SECRET_KEY));
        List<String> allowed = BusKeys.requireList(config, BusKeys.ALLOWED_KEYS);
        assertEquals(2, allowed.size());
        assertEquals(KEY_WITH_EXPRESSION, allowed.getFirst());
        assertEquals(32, CurveKeyPair.decode(allowed.getFirst(), "key").length);
    }

    @Test
    void aMissingKeyIsAClearFailure() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> BusKeys.require(config(Map.of()), BusKeys.SERVER_KEY));
        assertTrue(missing.getMessage().contains("CHORUS_CURVE_SERVER_KEY"), missing.getMessage());
    }
}
