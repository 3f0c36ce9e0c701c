package io.chorus.e2e;

import static io.chorus.e2e.SimulatedRelease.SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.testing.ServiceSecrets;
import io.chorus.testing.SigningKeys;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * helm/chorus installed the way Kubernetes would run it, simulated on this machine, so that a
 * chart that would make a broken system fails here. The chart is rendered in-process (helm-java);
 * each service's pod gets exactly what its rendered pod spec gives it: its environment (the
 * ConfigMaps and Secrets it names, {@code $(VAR)} expansion, service links), its secret and
 * ConfigMap volumes (written to a temporary directory, and every mount path in its environment
 * and command rewritten to there), its init containers run first as commands, then the packaged
 * service with nothing else in its environment. Cluster host names the chart uses (the Services,
 * the headless Service the publishers resolve, the database host) are mapped to 127.0.0.1 for
 * each kind of client: a hosts file for the JVMs, PGHOSTADDR for libpq, a .curlrc for curl. Then
 * the probes, the chart's own {@code helm test} pod (the quickstart) and a post that reaches a
 * live stream over the bus. Anything in a pod spec the simulation does not understand fails it,
 * as does anything Kubernetes would refuse or leave a pod waiting for (a missing Secret key, a
 * Service that selects no pod, a host name no Service has).
 */
class SimulatedDeploymentIT {

    @Test
    void runsTheQuickstartWithSecretsGivenInValues() throws Exception {
        SigningKeys keys = SigningKeys.generate();
        ServiceSecrets secrets = ServiceSecrets.generate();
        Map<String, Object> values = new LinkedHashMap<>();
        SimulatedRelease.put(values, "jwt.privateKey", Files.readString(keys.privateKeyFile()));
        SimulatedRelease.put(values, "jwt.publicKey", Files.readString(keys.publicKeyFile()));
        SimulatedRelease.put(values, "internalCredential.value", secrets.internalCredential());
        SimulatedRelease.put(values, "bus.keys.serverPublic", secrets.busServer().publicKey());
        SimulatedRelease.put(values, "bus.keys.serverSecret", secrets.busServer().secretKey());
        SimulatedRelease.put(values, "bus.keys.historyPublic", secrets.historyPublisher().publicKey());
        SimulatedRelease.put(values, "bus.keys.historySecret", secrets.historyPublisher().secretKey());
        SimulatedRelease.put(values, "bus.keys.dmPublic", secrets.dmPublisher().publicKey());
        SimulatedRelease.put(values, "bus.keys.dmSecret", secrets.dmPublisher().secretKey());
        try (SimulatedRelease release = new SimulatedRelease("given-secrets", values)) {
            release.install();
            for (String service : SERVICES) {
                assertEquals(secrets.internalCredential(), release.environment(service, "CHORUS_INTERNAL_CREDENTIAL"),
                        "the internal credential " + service + " gets is the given one");
            }
            release.passesTheChartsHelmTest();
            release.deliversAPostToALiveStreamOverTheBus();
        } finally {
            Files.deleteIfExists(keys.privateKeyFile());
            Files.deleteIfExists(keys.publicKeyFile());
        }
    }

    @Test
    void runsTheQuickstartWithTheSecretsTheChartGenerates() throws Exception {
        try (SimulatedRelease release = new SimulatedRelease("generated-secrets", Map.of())) {
            release.install();
            // The chart made every secret itself: the pods run on what it generated.
            assertTrue(release.secret("chorus-jwt", "private.pem").contains("PRIVATE KEY-----"), "a generated signing key");
            String credential = release.secret("chorus-internal", "credential");
            assertFalse(credential.isBlank(), "a generated internal credential");
            for (String service : SERVICES) {
                assertEquals(credential, release.environment(service, "CHORUS_INTERNAL_CREDENTIAL"),
                        "the internal credential " + service + " gets is the generated one");
            }
            for (String role : List.of("server", "history", "dm")) {
                assertEquals(40, release.secret("chorus-bus-keys", role + "-secret").length(), "a generated " + role + " bus key");
            }
            release.passesTheChartsHelmTest();
            release.deliversAPostToALiveStreamOverTheBus();
        }
    }
}
