package io.chorus.user.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RSA key tokens are signed with, read from a PEM file in either form it comes in: PKCS#8
 * ("PRIVATE KEY", what {@code openssl genpkey} and the run command write) or PKCS#1 ("RSA PRIVATE
 * KEY", what Helm's {@code genPrivateKey "rsa"} writes). SmallRye JWT reads only the first, so the
 * key is read here and handed to it.
 */
public final class SigningKey {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
    /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }, as DER. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
            0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private SigningKey() {
    }

    public static PrivateKey read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token signing key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the token signing key " + file + " is not usable: " + e.getMessage(), e);
        }
    }

    static PrivateKey parse(String pem) {
        Matcher block = PEM.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException("no PEM block (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(block.group(2).strip());
        byte[] pkcs8 = switch (block.group(1)) {
            case "PRIVATE KEY" -> der;
            case "RSA PRIVATE KEY" -> pkcs8Of(der);
            default -> throw new IllegalArgumentException("a PEM " + block.group(1) + " is not an RSA private key");
        };
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * PKCS#8 wraps a PKCS#1 RSAPrivateKey (RFC 5208): SEQUENCE { INTEGER 0, the RSA algorithm
     * identifier, OCTET STRING holding the PKCS#1 bytes }. The JDK reads only the wrapped form.
     */
    private static byte[] pkcs8Of(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(tagged(0x04, pkcs1));
        return tagged(0x30, body.toByteArray());
    }

    /** A DER tag, its length (short or long form), and the content. */
    private static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
