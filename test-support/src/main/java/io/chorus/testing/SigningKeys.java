package io.chorus.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * An RSA key pair generated for one test JVM and written as PEM files, the way the run command
 * generates one for a local run. Keys are never committed.
 */
public final class SigningKeys {

    private static SigningKeys instance;

    private final KeyPair keyPair;
    private final Path privateKeyFile;
    private final Path publicKeyFile;

    private SigningKeys(KeyPair keyPair, Path directory) {
        this.keyPair = keyPair;
        this.privateKeyFile = directory.resolve("private.pem");
        this.publicKeyFile = directory.resolve("public.pem");
        write(privateKeyFile, "PRIVATE KEY", keyPair.getPrivate().getEncoded());
        write(publicKeyFile, "PUBLIC KEY", keyPair.getPublic().getEncoded());
    }

    public static synchronized SigningKeys shared() {
        if (instance == null) {
            instance = generate();
        }
        return instance;
    }

    public static SigningKeys generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            Path directory = Files.createTempDirectory("chorus-keys");
            directory.toFile().deleteOnExit();
            return new SigningKeys(generator.generateKeyPair(), directory);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot generate a signing key pair", e);
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    private static void write(Path file, String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        try {
            Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
            file.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
