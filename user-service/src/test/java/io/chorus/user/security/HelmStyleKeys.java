package io.chorus.user.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A token key pair in the forms a Helm chart makes with Sprig: the private key as PKCS#1 PEM
 * ({@code genPrivateKey "rsa"}: "RSA PRIVATE KEY") and the public key inside a self-signed X.509
 * certificate PEM ({@code genSelfSignedCertWithKey}: "CERTIFICATE"). Made with openssl.
 */
public record HelmStyleKeys(Path privateKey, Path certificate) {

    public static HelmStyleKeys generate() {
        try {
            Path directory = Files.createTempDirectory("chorus-helm-keys");
            directory.toFile().deleteOnExit();
            Path key = directory.resolve("tls.key");
            Path certificate = directory.resolve("tls.crt");
            openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
            openssl("req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=chorus", "-days", "1", "-out", certificate.toString());
            key.toFile().deleteOnExit();
            certificate.toFile().deleteOnExit();
            if (!Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----")
                    || !Files.readString(certificate).startsWith("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalStateException("openssl did not write PKCS#1 and X.509 PEM");
            }
            return new HelmStyleKeys(key, certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(String... arguments) throws IOException {
        Process process = new ProcessBuilder(concat(arguments)).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", arguments) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(String... arguments) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of("openssl"), java.util.Arrays.stream(arguments)).toList();
    }
}
