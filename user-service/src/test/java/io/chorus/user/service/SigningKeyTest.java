package io.chorus.user.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.user.security.HelmStyleKeys;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

    @Test
    void readsAPkcs1KeyAsTheSameKeyInPkcs8() throws Exception {
        HelmStyleKeys helm = HelmStyleKeys.generate();
        RSAPrivateCrtKey pkcs1 = (RSAPrivateCrtKey) SigningKey.read(helm.privateKey());
        // The same key as PKCS#8, written the way the run command's openssl genpkey writes it.
        String pkcs8 = pem("PRIVATE KEY", pkcs1.getEncoded());
        RSAPrivateCrtKey again = (RSAPrivateCrtKey) SigningKey.parse(pkcs8);
        assertEquals(pkcs1.getModulus(), again.getModulus());
        assertEquals(pkcs1.getPrivateExponent(), again.getPrivateExponent());
        assertEquals(2048, pkcs1.getModulus().bitLength());
        assertTrue(Files.readString(helm.privateKey()).contains("RSA PRIVATE KEY"));
    }

    @Test
    void readsAPkcs8Key() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        assertEquals(pair.getPrivate(), SigningKey.parse(pem("PRIVATE KEY", pair.getPrivate().getEncoded())));
    }

    @Test
    void refusesWhatIsNotAnRsaPrivateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String publicKey = pem("PUBLIC KEY", generator.generateKeyPair().getPublic().getEncoded());
        IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class, () -> SigningKey.parse(publicKey));
        assertTrue(wrongKind.getMessage().contains("PUBLIC KEY"), wrongKind.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SigningKey.parse("not a key"));
        assertThrows(IllegalArgumentException.class, () -> SigningKey.parse(pem("RSA PRIVATE KEY", new byte[] {1, 2, 3})));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
