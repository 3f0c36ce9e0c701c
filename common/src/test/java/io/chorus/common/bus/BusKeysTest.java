package io.chorus.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    @Test
    void aPublisherNeedsOnlyItsSecretKey() {
        CurveKeyPair own = CurveKeyPair.generate();
        CurveKeyPair computed = BusKeys.publisherKeys(config(Map.of(BusKeys.SECRET_KEY, own.secretKey())));
        assertEquals(own, computed);
        // Given as well, a public key that matches is taken.
        assertEquals(own, BusKeys.publisherKeys(config(Map.of(BusKeys.SECRET_KEY, own.secretKey(), BusKeys.PUBLIC_KEY, own.publicKey()))));
    }

    @Test
    void refusesAPublicKeyThatIsNotTheSecretKeysOwn() {
        IllegalStateException mismatch = assertThrows(IllegalStateException.class, () -> BusKeys.publisherKeys(config(Map.of(
                BusKeys.SECRET_KEY, CurveKeyPair.generate().secretKey(), BusKeys.PUBLIC_KEY, CurveKeyPair.generate().publicKey()))));
        assertTrue(mismatch.getMessage().contains("CHORUS_CURVE_PUBLIC_KEY") && mismatch.getMessage().contains("CHORUS_CURVE_SECRET_KEY"),
                mismatch.getMessage());
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> BusKeys.publisherKeys(config(Map.of(
                BusKeys.PUBLIC_KEY, CurveKeyPair.generate().publicKey()))));
        assertTrue(missing.getMessage().contains("CHORUS_CURVE_SECRET_KEY"), missing.getMessage());
    }

    @Test
    void theServerKeyIsGivenOrComputedFromTheServerSecretKey() {
        CurveKeyPair server = CurveKeyPair.generate();
        assertEquals(server.publicKey(), BusKeys.serverPublicKey(config(Map.of(BusKeys.SERVER_KEY, server.publicKey()))));
        assertEquals(server.publicKey(), BusKeys.serverPublicKey(config(Map.of(BusKeys.SERVER_SECRET_KEY, server.secretKey()))));
        assertEquals(server.publicKey(), BusKeys.serverPublicKey(config(Map.of(
                BusKeys.SERVER_KEY, server.publicKey(), BusKeys.SERVER_SECRET_KEY, server.secretKey()))));

        IllegalStateException mismatch = assertThrows(IllegalStateException.class, () -> BusKeys.serverPublicKey(config(Map.of(
                BusKeys.SERVER_KEY, server.publicKey(), BusKeys.SERVER_SECRET_KEY, CurveKeyPair.generate().secretKey()))));
        assertTrue(mismatch.getMessage().contains("CHORUS_CURVE_SERVER_SECRET_KEY"), mismatch.getMessage());
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> BusKeys.serverPublicKey(config(Map.of())));
        assertTrue(missing.getMessage().contains("CHORUS_CURVE_SERVER_KEY") && missing.getMessage().contains("CHORUS_CURVE_SERVER_SECRET_KEY"),
                missing.getMessage());
    }

    @Test
    void theProxyAdmitsListedPublicKeysAndThoseOfListedSecretKeys() {
        CurveKeyPair history = CurveKeyPair.generate();
        CurveKeyPair dm = CurveKeyPair.generate();
        CurveKeyPair third = CurveKeyPair.fromSecret(KEY_WITH_EXPRESSION);
        assertEquals(Set.of(history.publicKey(), dm.publicKey(), third.publicKey()), BusKeys.admittedPublisherKeys(config(Map.of(
                BusKeys.ALLOWED_KEYS, history.publicKey(),
                BusKeys.ALLOWED_SECRET_KEYS, dm.secretKey() + ", " + KEY_WITH_EXPRESSION))));
        assertEquals(Set.of(dm.publicKey()), BusKeys.admittedPublisherKeys(config(Map.of(BusKeys.ALLOWED_SECRET_KEYS, dm.secretKey()))));
        assertEquals(Set.of(history.publicKey()), BusKeys.admittedPublisherKeys(config(Map.of(BusKeys.ALLOWED_KEYS, history.publicKey()))));

        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> BusKeys.admittedPublisherKeys(config(Map.of(BusKeys.ALLOWED_KEYS, " , "))));
        assertTrue(none.getMessage().contains("CHORUS_CURVE_ALLOWED_KEYS") && none.getMessage().contains("CHORUS_CURVE_ALLOWED_SECRET_KEYS"),
                none.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BusKeys.admittedPublisherKeys(config(Map.of(BusKeys.ALLOWED_SECRET_KEYS, "not a key"))));
    }

    /** What a Helm chart sets: secret keys only, under their environment variables' names. */
    @Test
    void readsSecretKeysFromTheirEnvironmentVariables() {
        CurveKeyPair server = CurveKeyPair.generate();
        CurveKeyPair publisher = CurveKeyPair.generate();
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withSources(new EnvConfigSource(Map.of(
                "CHORUS_CURVE_SERVER_SECRET_KEY", server.secretKey(),
                "CHORUS_CURVE_SECRET_KEY", publisher.secretKey(),
                "CHORUS_CURVE_ALLOWED_SECRET_KEYS_HISTORY_SERVICE", publisher.secretKey()), 300)).build();
        assertEquals(server.publicKey(), BusKeys.serverPublicKey(config));
        assertEquals(publisher, BusKeys.publisherKeys(config));
        assertEquals(Map.of(publisher.publicKey(), Topics.HISTORY_SERVICE), BusKeys.admittedPublishers(config));
    }

    @Test
    void eachAdmittedKeyBelongsToTheServiceItIsListedUnder() {
        CurveKeyPair history = CurveKeyPair.generate();
        CurveKeyPair dm = CurveKeyPair.generate();
        CurveKeyPair old = CurveKeyPair.generate();
        assertEquals(Map.of(history.publicKey(), Topics.HISTORY_SERVICE, dm.publicKey(), Topics.DM_SERVICE, old.publicKey(), BusKeys.NO_SERVICE),
                BusKeys.admittedPublishers(config(Map.of(
                        BusKeys.ALLOWED_KEYS_HISTORY_SERVICE, history.publicKey(),
                        BusKeys.ALLOWED_SECRET_KEYS_DM_SERVICE, dm.secretKey(),
                        // The old list: admitted, but of no service; listed under one as well, it is that service's.
                        BusKeys.ALLOWED_KEYS, old.publicKey() + "," + history.publicKey()))));
        IllegalStateException both = assertThrows(IllegalStateException.class, () -> BusKeys.admittedPublishers(config(Map.of(
                BusKeys.ALLOWED_KEYS_HISTORY_SERVICE, history.publicKey(), BusKeys.ALLOWED_KEYS_DM_SERVICE, history.publicKey()))));
        assertTrue(both.getMessage().contains("both"), both.getMessage());

        assertTrue(Topics.mayPublish(Topics.HISTORY_SERVICE, Topics.membership("garden")));
        assertTrue(Topics.mayPublish(Topics.HISTORY_SERVICE, Topics.typing("garden")));
        assertTrue(Topics.mayPublish(Topics.DM_SERVICE, Topics.dmChange("bob")));
        assertFalse(Topics.mayPublish(Topics.DM_SERVICE, Topics.membership("garden")));
        assertFalse(Topics.mayPublish(Topics.DM_SERVICE, Topics.group("garden")));
        assertFalse(Topics.mayPublish(Topics.HISTORY_SERVICE, Topics.dm("bob")));
        assertFalse(Topics.mayPublish(Topics.HISTORY_SERVICE, Topics.dmTyping("bob")));
        assertFalse(Topics.mayPublish(BusKeys.NO_SERVICE, Topics.group("garden")));
        assertFalse(Topics.mayPublish(null, Topics.group("garden")));
    }
}
