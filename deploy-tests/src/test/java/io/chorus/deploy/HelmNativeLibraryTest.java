package io.chorus.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.jni.NativeLibrary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * helm-java runs helm from a native library: the one on the class path, else one it downloads
 * from Maven Central into java.io.tmpdir. The build declares it (pom.xml, profile
 * helm-native-linux-amd64) and forbids the download (com.marcnuri.jkube-helm.skipRemoteJar), so
 * rendering needs no network.
 */
class HelmNativeLibraryTest {

    @Test
    void forbidsHelmJavaToDownloadItsNativeLibrary() {
        assertNotNull(System.getProperty("com.marcnuri.jkube-helm.skipRemoteJar"),
                "surefire sets com.marcnuri.jkube-helm.skipRemoteJar (deploy-tests/pom.xml)");
    }

    @Test
    void loadsHelmFromTheDeclaredLinuxAmd64Jar() throws Exception {
        assumeTrue(System.getProperty("os.name").equalsIgnoreCase("linux") && System.getProperty("os.arch").equals("amd64"),
                "the declared native jar is linux-amd64's");
        NativeLibrary library = NativeLibrary.serviceProviderLibrary(Thread.currentThread().getContextClassLoader());
        assertNotNull(library, "a NativeLibrary on the class path");
        assertEquals("com.marcnuri.helm.jni.linux.amd64.LinuxAmd64NativeLibrary", library.getClass().getName());
        Path jar = Path.of(library.getClass().getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(jar.endsWith(Path.of("com/marcnuri/helm-java/linux-amd64", HelmJavaVersion.VALUE,
                "linux-amd64-" + HelmJavaVersion.VALUE + ".jar")), "loaded from the local Maven repository: " + jar);
    }

    /** helm-java's version, as its lib-api jar records it. */
    private static final class HelmJavaVersion {
        static final String VALUE = version();

        private static String version() {
            try (var in = NativeLibrary.class.getResourceAsStream("/META-INF/native-libraries.properties")) {
                java.util.Properties properties = new java.util.Properties();
                properties.load(in);
                return properties.getProperty("com.marcnuri.jkube-helm.version");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
