package io.chorus.deploy;

import static io.chorus.deploy.Manifests.container;
import static io.chorus.deploy.Manifests.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lints and renders helm/chorus in-process (helm-java), then checks the objects it makes. */
class HelmChartTest {

    private static final Path CHART = Repository.ROOT.resolve("helm/chorus");
    private static final String NAMESPACE = "messaging";

    /**
     * Bus keys for rendering only (Helm cannot make CURVE keys, so an install must be given them):
     * the server pair and history's are the libzmq documentation's examples, dm's are merely 40
     * characters of Z85. Different per key, so a key put under the wrong name shows.
     */
    static final Map<String, Object> TEST_BUS_KEYS = Map.of(
            "bus.keys.serverPublic", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
            "bus.keys.serverSecret", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6",
            "bus.keys.historyPublic", "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
            "bus.keys.historySecret", "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
            "bus.keys.dmPublic", "dmPUBLICkey.for.deploy-tests.only+000001",
            "bus.keys.dmSecret", "dmSECRETkey.for.deploy-tests.only+000002");

    /** Renders with exactly these values (over values.yaml). */
    private static Manifests renderOnly(Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template()
                .withName("chorus")
                .withNamespace(NAMESPACE)
                // helm template assumes Kubernetes 1.20 unless told; the chart needs 1.25 or newer.
                .withKubeVersion("v1.31.0");
        values.forEach(template::set);
        return Manifests.parse(template.call());
    }

    /** Renders with the test bus keys, then these values. */
    private static Manifests render(Map<String, Object> values) {
        Map<String, Object> all = new LinkedHashMap<>(TEST_BUS_KEYS);
        all.putAll(values);
        return renderOnly(all);
    }

    private static Manifests render() {
        return render(Map.of());
    }

    private static Map<String, Object> config(Manifests manifests, String service) {
        return Manifests.asMap(manifests.get("ConfigMap", service + "-config").get("data"));
    }

    @Test
    void lintsWithoutWarnings() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void runsEachServiceUnderItsOneName(String service) {
        Manifests manifests = render();
        ChorusRules.assertRunsUnderOneName(manifests, service);
        ChorusRules.assertProbesAndPorts(manifests, service);
        ChorusRules.assertOnlyUserServiceSigns(manifests, service);
        ChorusRules.assertSecretsReachOnlyWhoNeedsThem(manifests, service, "chorus-internal", "chorus-bus-keys");
        Map<String, Object> data = config(manifests, service);
        assertEquals(String.valueOf(ChorusRules.PORTS.get(service)), data.get("QUARKUS_HTTP_PORT"));
        assertEquals("/etc/chorus/jwt/public.pem", data.get("CHORUS_JWT_PUBLIC_KEY_LOCATION"));
        assertEquals("postgres", data.get("PGHOST"));
        assertTrue(((String) data.get("CHORUS_DATABASE")).startsWith("chorus_"), "database of " + service);
        assertEquals(ChorusRules.PUBLISHERS.contains(service), data.containsKey("CHORUS_BUS_ENDPOINTS"),
                "only publishers get the bus endpoints: " + service);
        String image = (String) container(manifests.get(ChorusRules.workloadKind(service), service), service).get("image");
        assertEquals("chorus/" + service + ":1.0.0-SNAPSHOT", image);
    }

    @Test
    void namesEveryObjectAfterItsService() {
        Manifests manifests = render(Map.of("database.password", "s3cret"));
        ChorusRules.assertNamesFollowAppLabels(manifests);
        for (String service : ChorusRules.PORTS.keySet()) {
            Map<String, Object> secret = manifests.get("Secret", service + "-secrets");
            assertEquals("s3cret", path(secret, "stringData", "PGPASSWORD"));
        }
        assertTrue(manifests.all().stream().allMatch(o -> NAMESPACE.equals(path(o, "metadata", "namespace"))),
                "every object in the release namespace");
    }

    @Test
    void createsNoDatabaseSecretWithoutAPassword() {
        Set<String> secrets = render().ofKind("Secret").stream().map(Manifests::name).collect(Collectors.toSet());
        assertEquals(Set.of("chorus-internal", "chorus-bus-keys"), secrets,
                "Secrets rendered without a password or token keys");
    }

    @Test
    void generatesTheInternalCredentialWhenNoneIsGiven() {
        String credential = credential(render());
        assertTrue(credential.matches("[A-Za-z0-9]{32,}"),
                "a generated credential of 32 or more characters: " + credential);
    }

    @Test
    void storesAGivenInternalCredential() {
        String given = "a-credential-from-the-operators-vault-0123456789";
        assertEquals(given, credential(render(Map.of("internalCredential.value", given))));
    }

    private static String credential(Manifests manifests) {
        Map<String, Object> secret = manifests.get("Secret", "chorus-internal");
        Object encoded = path(secret, "data", "credential");
        assertTrue(encoded instanceof String, "chorus-internal has data.credential: " + secret);
        return new String(Base64.getDecoder().decode((String) encoded), StandardCharsets.UTF_8);
    }

    @Test
    void createsTheBusKeySecretFromGivenKeys() {
        Map<String, Object> secret = render().get("Secret", "chorus-bus-keys");
        Map<String, Object> expected = new LinkedHashMap<>();
        // bus.keys.historyPublic is stored as history-public, and so on.
        TEST_BUS_KEYS.forEach((setting, key) -> expected.put(
                setting.replace("bus.keys.", "").replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(), key));
        assertEquals(expected, path(secret, "stringData"), "chorus-bus-keys");
    }

    @Test
    void refusesToInstallWithoutBusKeys() {
        Exception refused = assertThrows(Exception.class, () -> renderOnly(Map.of()));
        String message = refused.getMessage();
        assertTrue(message.contains("missing: bus.keys.serverPublic, bus.keys.serverSecret"), message);
        assertTrue(message.contains("io.chorus.common.bus.CurveKeyPair") && message.contains("zmq.curve_keypair()"),
                "the refusal says how to make keys: " + message);
    }

    @Test
    void refusesAnIncompleteSetOfBusKeys() {
        Map<String, Object> values = new LinkedHashMap<>(TEST_BUS_KEYS);
        values.remove("bus.keys.dmSecret");
        Exception refused = assertThrows(Exception.class, () -> renderOnly(values));
        assertTrue(refused.getMessage().contains("missing: bus.keys.dmSecret."), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void usesSecretsCreatedOutsideTheChart(String service) {
        Manifests manifests = renderOnly(Map.of(
                "internalCredential.existingSecret", "vault-internal", "bus.existingSecret", "vault-bus-keys"));
        ChorusRules.assertSecretsReachOnlyWhoNeedsThem(manifests, service, "vault-internal", "vault-bus-keys");
        assertEquals(0, manifests.ofKind("Secret").size(), "the chart makes no Secret of its own then");
    }

    @Test
    void rollsThePodsWhenABusKeyChanges() {
        Object before = path(render().get("Deployment", "dm-service"),
                "spec", "template", "metadata", "annotations", "checksum/secrets");
        Object after = path(render(Map.of("bus.keys.dmSecret", "dmSECRETkey.for.deploy-tests.only+000003"))
                .get("Deployment", "dm-service"), "spec", "template", "metadata", "annotations", "checksum/secrets");
        assertNotNull(before, "checksum/secrets on dm-service's pods");
        assertFalse(before.equals(after), "dm-service reads its keys only at start, so its pods must roll");
    }

    @Test
    void routesEachPublicPathToItsServiceAndKeepsHistoryInternal() {
        ChorusRules.assertIngressRoutesPublicPaths(render());
    }

    @Test
    void offersNoSubscriberPortOnTheBus() {
        ChorusRules.assertNoSubscriberPort(render(Map.of("services.group-gateway.replicaCount", 3)));
    }

    @Test
    void admitsOnlyTheConnectionsTheArchitectureNeeds() {
        ChorusRules.assertNetworkPoliciesAdmitOnlyTheArchitecture(render(), NAMESPACE,
                Map.of("kubernetes.io/metadata.name", "ingress-nginx"));
    }

    @Test
    void admitsTheIngressControllerFromAConfiguredNamespace() {
        Manifests manifests = render(Map.of(
                "networkPolicy.ingressNamespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name", "traefik"));
        ChorusRules.assertNetworkPoliciesAdmitOnlyTheArchitecture(manifests, NAMESPACE,
                Map.of("kubernetes.io/metadata.name", "traefik"));
        NetworkPolicies policies = new NetworkPolicies(manifests, NAMESPACE);
        NetworkPolicies.Pod nginx = new NetworkPolicies.Pod("ingress-nginx",
                Map.of("app.kubernetes.io/name", "ingress-nginx"));
        NetworkPolicies.Pod gateway = new NetworkPolicies.Pod(NAMESPACE, Map.of("app", "group-gateway"));
        assertFalse(policies.allows(nginx, gateway, 8080), "the default namespace is no longer admitted");
    }

    @Test
    void leavesTheNetworkPoliciesOutWhenDisabled() {
        assertEquals(0, render(Map.of("networkPolicy.enabled", false)).ofKind("NetworkPolicy").size());
    }

    @Test
    void leavesTheIngressOutWhenDisabled() {
        assertEquals(0, render(Map.of("ingress.enabled", false)).ofKind("Ingress").size());
    }

    @Test
    void listsOneBusEndpointPerGatewayReplica() {
        Manifests manifests = render(Map.of("services.group-gateway.replicaCount", 3));
        assertEquals(3, path(manifests.get("StatefulSet", "group-gateway"), "spec", "replicas"));
        ChorusRules.assertGatewayHasStableNames(manifests);
        for (String publisher : ChorusRules.PUBLISHERS) {
            ChorusRules.assertBusEndpointsFollowReplicas(
                    (String) config(manifests, publisher).get("CHORUS_BUS_ENDPOINTS"), 3,
                    "." + NAMESPACE + ".svc.cluster.local");
        }
    }

    @Test
    void startsPublishersWithoutWaitingForGatewayNames() {
        // BusPublisher retries endpoints whose names do not resolve yet, so no pod waits in Init
        // for a gateway replica that may never be scheduled.
        Manifests manifests = render(Map.of("services.group-gateway.replicaCount", 4));
        for (String publisher : ChorusRules.PUBLISHERS) {
            assertEquals(null, path(manifests.get(ChorusRules.workloadKind(publisher), publisher),
                    "spec", "template", "spec", "initContainers"));
        }
    }

    @Test
    void rollsPublishersWhenTheGatewayIsScaled() {
        Object before = path(render().get("Deployment", "dm-service"),
                "spec", "template", "metadata", "annotations", "checksum/config");
        Object after = path(render(Map.of("services.group-gateway.replicaCount", 5)).get("Deployment", "dm-service"),
                "spec", "template", "metadata", "annotations", "checksum/config");
        assertFalse(before.equals(after), "dm-service's pods must restart to learn the new bus endpoints");
    }

    @Test
    void createsTheKeyPairSecretFromGivenKeys() {
        Manifests manifests = render(Map.of("jwt.privateKey", "PRIVATE", "jwt.publicKey", "PUBLIC"));
        Map<String, Object> secret = manifests.get("Secret", "chorus-jwt");
        assertEquals("PRIVATE\n", path(secret, "stringData", "private.pem"));
        assertEquals("PUBLIC\n", path(secret, "stringData", "public.pem"));
    }

    @Test
    void refusesHalfAKeyPair() {
        Exception refused = assertThrows(Exception.class, () -> render(Map.of("jwt.publicKey", "PUBLIC")));
        assertTrue(refused.getMessage().contains("go together"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "services.group-gateway.replicaCount=-1",
        "services.user-service.replicaCount=0",
        "services.dm-service.port=70000",
        "services.group-gateway.replicas=3",
        "image.pullPolicy=Sometimes",
        "services.history-service.database=chorus-history",
        "services.group-gateway.busXpubPort=5558",
        "internalCredential.value=shorter-than-32-characters",
        "bus.keys.serverPublic=not-a-curve-key",
        "bus.keys.dmSecret=dmSECRETkey.for.deploy-tests.only+00000\"",
        "networkPolicy.enabled=yes-please"
    })
    void schemaRejectsBadValues(String setting) {
        String[] keyValue = setting.split("=", 2);
        Object value = keyValue[1].matches("-?\\d+") ? Integer.parseInt(keyValue[1]) : keyValue[1];
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(keyValue[0], value);
        Exception refused = assertThrows(Exception.class, () -> render(values), setting);
        assertTrue(refused.getMessage().contains("values don't meet the specifications of the schema"),
                setting + ": " + refused.getMessage());
    }

    @Test
    void keepsEveryValueDocumented() throws IOException {
        // STYLE.md: every value carries a comment. A key line must follow a comment line, or open
        // a block whose own keys are documented (maps like resources and annotations).
        List<String> lines = Files.readAllLines(CHART.resolve("values.yaml"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.matches("\\s*[A-Za-z][\\w.\\-/]*:.*") || line.trim().startsWith("#")) {
                continue;
            }
            int indent = line.indexOf(line.trim());
            String previous = i == 0 ? "" : lines.get(i - 1).trim();
            boolean documented = previous.startsWith("#");
            boolean insideDocumentedMap = false;
            for (int j = i - 1; j >= 0 && !documented; j--) {
                String above = lines.get(j);
                if (above.isBlank() || above.trim().startsWith("#")) {
                    continue;
                }
                int aboveIndent = above.indexOf(above.trim());
                if (aboveIndent < indent) {
                    // The key's parent: leaves under resources/annotations/env/requests/limits are data, not options.
                    insideDocumentedMap = above.trim().matches("(resources|annotations|env|requests|limits):.*");
                    break;
                }
            }
            assertTrue(documented || insideDocumentedMap || line.trim().endsWith(":"),
                    "values.yaml line " + (i + 1) + " has no comment: " + line);
        }
    }
}
