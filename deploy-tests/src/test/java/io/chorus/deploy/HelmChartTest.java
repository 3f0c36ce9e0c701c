package io.chorus.deploy;

import static io.chorus.deploy.Manifests.asList;
import static io.chorus.deploy.Manifests.asMap;
import static io.chorus.deploy.Manifests.container;
import static io.chorus.deploy.Manifests.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.chorus.deploy.ChorusRules.BusKeys;
import io.chorus.deploy.ChorusRules.Network;
import io.chorus.deploy.ChorusRules.Secrets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Lints and renders helm/chorus in-process (helm-java), then checks the objects it makes. */
class HelmChartTest {

    private static final Path CHART = Chart.CHART;
    private static final String NAMESPACE = Chart.NAMESPACE;
    private static final Map<String, String> NGINX_NAMESPACE = Map.of("kubernetes.io/metadata.name", "ingress-nginx");
    /** The selector labels of a service's pods in the release. */
    private static final String INSTANCE = "app.kubernetes.io/instance";

    /**
     * Bus keys given in values: the server pair and history's are the libzmq documentation's
     * examples, dm's are merely 40 characters of Z85. Different per key, so a key put under the
     * wrong name shows.
     */
    static final Map<String, Object> TEST_BUS_KEYS = Map.of(
            "bus.keys.serverPublic", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
            "bus.keys.serverSecret", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6",
            "bus.keys.historyPublic", "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
            "bus.keys.historySecret", "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
            "bus.keys.dmPublic", "dmPUBLICkey.for.deploy-tests.only+000001",
            "bus.keys.dmSecret", "dmSECRETkey.for.deploy-tests.only+000002");

    /** Renders with exactly these values (over values.yaml). */
    private static Manifests render(Map<String, Object> values) {
        return Chart.render(values);
    }

    private static Manifests render() {
        return render(Map.of());
    }

    /** Renders with the test bus keys given, then these values. */
    private static Manifests renderWithGivenBusKeys(Map<String, Object> values) {
        Map<String, Object> all = new LinkedHashMap<>(TEST_BUS_KEYS);
        all.putAll(values);
        return render(all);
    }

    private static Map<String, Object> config(Manifests manifests, String service) {
        return asMap(manifests.get("ConfigMap", service + "-config").get("data"));
    }

    private static Map<String, Object> workload(Manifests manifests, String service) {
        return manifests.get(ChorusRules.workloadKind(service), service);
    }

    private static Map<String, String> selector(String service) {
        return Map.of("app", service, INSTANCE, Chart.RELEASE);
    }

    /** The Secrets the defaults make and read: all generated, the bundled PostgreSQL's password. */
    private static final Secrets GENERATED_SECRETS =
            new Secrets("chorus-internal", "chorus-bus-keys", BusKeys.GENERATED, List.of("chorus-database", "password"));

    private static Set<String> secretNames(Manifests manifests) {
        return manifests.ofKind("Secret").stream().map(Manifests::name).collect(Collectors.toSet());
    }

    private static String decoded(Map<String, Object> secret, String key) {
        assertEquals(null, secret.get("stringData"), Manifests.name(secret) + " keeps its values in data only");
        Object encoded = path(secret, "data", key);
        assertTrue(encoded instanceof String, Manifests.name(secret) + " has data." + key + ": " + secret);
        return new String(Base64.getDecoder().decode((String) encoded), StandardCharsets.UTF_8);
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
        Map<String, Object> data = config(manifests, service);
        assertEquals(String.valueOf(ChorusRules.PORTS.get(service)), data.get("QUARKUS_HTTP_PORT"));
        assertEquals("/etc/chorus/jwt/public.pem", data.get("CHORUS_JWT_PUBLIC_KEY_LOCATION"));
        assertEquals("chorus-postgresql", data.get("PGHOST"), "the bundled PostgreSQL");
        assertTrue(((String) data.get("CHORUS_DATABASE")).startsWith("chorus_"), "database of " + service);
        assertEquals(ChorusRules.PUBLISHERS.contains(service), data.containsKey("CHORUS_BUS_ENDPOINTS"),
                "only publishers get the bus endpoints: " + service);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void hardensEveryPodAndBudgetsItsDisruptions(String service) {
        Manifests manifests = render();
        ChorusRules.assertPodsAreHardened(manifests, service, selector(service));
        Map<String, Object> spec = ChorusRules.podSpec(manifests, service);
        assertEquals(45, spec.get("terminationGracePeriodSeconds"), "terminationGracePeriodSeconds");
        assertEquals(List.of("sleep", "10"),
                path(container(workload(manifests, service), service), "lifecycle", "preStop", "exec", "command"));
        assertEquals(List.of("sleep", "20"), path(container(workload(render(Map.of("preStopSeconds", 20)), service), service),
                "lifecycle", "preStop", "exec", "command"), "preStopSeconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void givesEachServiceOnlyTheGeneratedSecretKeysItNeeds(String service) {
        ChorusRules.assertSecretsReachOnlyWhoNeedsThem(render(), service, GENERATED_SECRETS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void givesEachServiceOnlyTheGivenSecretKeysItNeeds(String service) {
        ChorusRules.assertSecretsReachOnlyWhoNeedsThem(renderWithGivenBusKeys(Map.of()), service,
                new Secrets("chorus-internal", "chorus-bus-keys", BusKeys.GIVEN, List.of("chorus-database", "password")));
    }

    @ParameterizedTest
    @CsvSource({
        "'', '', localhost:5000/chorus/%s:1.0.0-SNAPSHOT",
        "image.flavor, native, localhost:5000/chorus/%s:1.0.0-SNAPSHOT-native",
        "image.registry, '', chorus/%s:1.0.0-SNAPSHOT",
        "image.tag, 2.1.0, localhost:5000/chorus/%s:2.1.0"
    })
    void pullsEachServicesImageFromTheRegistry(String setting, String value, String expected) {
        Map<String, Object> values = setting.isEmpty() ? Map.of() : Map.of(setting, value);
        Manifests manifests = render(values);
        for (String service : ChorusRules.PORTS.keySet()) {
            assertEquals(expected.formatted(service), container(workload(manifests, service), service).get("image"),
                    "image of " + service + " with " + values);
        }
    }

    @Test
    void namesEveryObjectAfterItsService() {
        Manifests manifests = render(Map.of("database.password", "s3cret"));
        ChorusRules.assertNamesFollowAppLabels(manifests);
        for (String service : ChorusRules.PORTS.keySet()) {
            assertTrue(manifests.find("Secret", service + "-secrets").isEmpty(),
                    service + "-secrets is the operator's (optional), not the chart's");
        }
        assertTrue(manifests.all().stream().allMatch(o -> NAMESPACE.equals(path(o, "metadata", "namespace"))),
                "every object in the release namespace");
    }

    @Test
    void bundlesPostgresqlByDefault() {
        Manifests manifests = render();
        Map<String, Object> postgresql = manifests.get("StatefulSet", "chorus-postgresql");
        Map<String, Object> service = manifests.get("Service", "chorus-postgresql");
        Manifests.assertLabel(postgresql, "app", "chorus-postgresql");
        Manifests.assertLabel(service, "app", "chorus-postgresql");
        assertEquals("chorus-postgresql", path(postgresql, "spec", "template", "metadata", "labels", "app"));
        assertEquals(Map.of("app", "chorus-postgresql"), path(service, "spec", "selector"));
        assertEquals(5432, path(service, "spec", "ports", 0, "port"));
        assertEquals(List.of("chorus-database", "password"),
                ChorusRules.secretRef(container(postgresql, "postgresql"), "chorus-postgresql", "POSTGRES_PASSWORD"));
        assertFalse(decoded(manifests.get("Secret", "chorus-database"), "password").isBlank(), "a generated password");
    }

    @Test
    void requiresADatabaseHostWithoutTheBundledPostgresql() {
        Exception refused = assertThrows(Exception.class, () -> render(Map.of("postgresql.enabled", false)));
        assertTrue(refused.getMessage().contains("database.host"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void connectsToAnExternalPostgresqlWithoutAPassword(String service) {
        Manifests manifests = render(Map.of("postgresql.enabled", false, "database.host", "db.example.com"));
        assertEquals(Set.of("chorus-jwt", "chorus-internal", "chorus-bus-keys"), secretNames(manifests),
                "Secrets for an external PostgreSQL without a password");
        assertTrue(manifests.find("StatefulSet", "chorus-postgresql").isEmpty(), "no bundled PostgreSQL");
        assertTrue(manifests.find("Service", "chorus-postgresql").isEmpty(), "no bundled PostgreSQL");
        assertEquals("db.example.com", config(manifests, service).get("PGHOST"));
        ChorusRules.assertCreatesItsDatabaseFirst(manifests, service);
        ChorusRules.assertSecretsReachOnlyWhoNeedsThem(manifests, service,
                new Secrets("chorus-internal", "chorus-bus-keys", BusKeys.GENERATED, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void storesTheGivenPasswordOfAnExternalPostgresql(String service) {
        Manifests manifests = render(Map.of(
                "postgresql.enabled", false, "database.host", "db.example.com", "database.password", "s3cret"));
        assertEquals("s3cret", decoded(manifests.get("Secret", "chorus-database"), "password"));
        ChorusRules.assertSecretsReachOnlyWhoNeedsThem(manifests, service, GENERATED_SECRETS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void createsEachServicesDatabaseBeforeItStarts(String service) {
        Manifests manifests = render();
        ChorusRules.assertCreatesItsDatabaseFirst(manifests, service);
        Map<String, Object> init = asMap(asList(ChorusRules.podSpec(manifests, service).get("initContainers")).getFirst());
        assertEquals("docker.io/library/postgres:16-alpine", init.get("image"), "database.init.image");
        Map<String, Object> env = new TreeMap<>();
        asList(init.get("env")).forEach(e -> env.put((String) path(e, "name"),
                path(e, "value") != null ? path(e, "value") : path(e, "valueFrom", "secretKeyRef")));
        assertEquals(Map.of(
                "PGHOST", "chorus-postgresql", "PGPORT", "5432", "PGUSER", "chorus",
                "CHORUS_DATABASE", config(manifests, service).get("CHORUS_DATABASE"),
                "CHORUS_DATABASE_TIMEOUT", "120",
                "PGPASSWORD", Map.of("name", "chorus-database", "key", "password")), env, "create-database of " + service);
        Object image = path(asList(ChorusRules.podSpec(render(Map.of("database.init.image", "registry.example.com/pg:17")),
                service).get("initContainers")).getFirst(), "image");
        assertEquals("registry.example.com/pg:17", image, "database.init.image");
    }

    @Test
    void startsPublishersAfterTheirDatabaseWithoutWaitingForGatewayNames() {
        // BusPublisher retries endpoints whose names do not resolve yet, so no pod waits in Init
        // for a gateway replica that may never be scheduled: create-database is all they wait for.
        Manifests manifests = render(Map.of("services.group-gateway.replicaCount", 4));
        for (String publisher : ChorusRules.PUBLISHERS) {
            ChorusRules.assertCreatesItsDatabaseFirst(manifests, publisher);
        }
    }

    @Test
    void generatesEverySecretWhenNothingIsGiven() throws Exception {
        Manifests manifests = render();
        assertEquals(Set.of("chorus-database", "chorus-jwt", "chorus-internal", "chorus-bus-keys"), secretNames(manifests),
                "Secrets the defaults make");

        Map<String, Object> jwt = manifests.get("Secret", "chorus-jwt");
        String privatePem = decoded(jwt, "private.pem");
        String publicPem = decoded(jwt, "public.pem");
        assertTrue(privatePem.startsWith("-----BEGIN RSA PRIVATE KEY-----"), "a PKCS#1 private key: " + privatePem);
        assertTrue(publicPem.startsWith("-----BEGIN CERTIFICATE-----"), "a certificate: " + publicPem);
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(publicPem.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(pkcs1Modulus(privatePem), ((RSAPublicKey) certificate.getPublicKey()).getModulus(),
                "the certificate carries the private key's public half");

        assertTrue(decoded(manifests.get("Secret", "chorus-internal"), "credential").matches("[A-Za-z0-9]{32,}"),
                "a generated credential of 32 or more characters");

        Map<String, Object> bus = manifests.get("Secret", "chorus-bus-keys");
        assertEquals(Set.of("server-secret", "history-secret", "dm-secret"), asMap(bus.get("data")).keySet(),
                "generated bus keys: the secret keys only");
        Set<String> keys = Stream.of("server-secret", "history-secret", "dm-secret").map(k -> decoded(bus, k))
                .collect(Collectors.toSet());
        assertEquals(3, keys.size(), "three different keys: " + keys);
        keys.forEach(key -> assertTrue(key.matches("[0-9A-Za-z]{40}"), "a Z85 Curve25519 secret key: " + key));
    }

    /** The modulus of a PKCS#1 RSA private key PEM: RSAPrivateKey ::= SEQUENCE { version, modulus, ... }. */
    private static BigInteger pkcs1Modulus(String pem) {
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        int[] at = {0};
        assertEquals(0x30, der[at[0]++], "a DER SEQUENCE");
        derLength(der, at);
        derInteger(der, at);
        return derInteger(der, at);
    }

    private static BigInteger derInteger(byte[] der, int[] at) {
        assertEquals(0x02, der[at[0]++], "a DER INTEGER");
        int length = derLength(der, at);
        BigInteger value = new BigInteger(Arrays.copyOfRange(der, at[0], at[0] + length));
        at[0] += length;
        return value;
    }

    private static int derLength(byte[] der, int[] at) {
        int first = der[at[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7F); i++) {
            length = length << 8 | der[at[0]++] & 0xFF;
        }
        return length;
    }

    @Test
    void storesAGivenInternalCredential() {
        String given = "a-credential-from-the-operators-vault-0123456789";
        assertEquals(given, decoded(render(Map.of("internalCredential.value", given)).get("Secret", "chorus-internal"),
                "credential"));
    }

    @Test
    void createsTheBusKeySecretFromGivenKeys() {
        Map<String, Object> secret = renderWithGivenBusKeys(Map.of()).get("Secret", "chorus-bus-keys");
        Map<String, Object> expected = new TreeMap<>();
        // bus.keys.historyPublic is stored as history-public, and so on.
        TEST_BUS_KEYS.forEach((setting, key) -> expected.put(
                setting.replace("bus.keys.", "").replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(), key));
        Map<String, Object> stored = new TreeMap<>();
        asMap(secret.get("data")).keySet().forEach(key -> stored.put(key, decoded(secret, key)));
        assertEquals(expected, stored, "chorus-bus-keys");
    }

    @Test
    void refusesAnIncompleteSetOfBusKeys() {
        Map<String, Object> values = new LinkedHashMap<>(TEST_BUS_KEYS);
        values.remove("bus.keys.dmSecret");
        Exception refused = assertThrows(Exception.class, () -> render(values));
        assertTrue(refused.getMessage().contains("give all six keys or none"), refused.getMessage());
        assertTrue(refused.getMessage().contains("missing: bus.keys.dmSecret"), refused.getMessage());
    }

    /** Secrets whose name is given: the chart then makes none of that name, and the pods read the given one. */
    @ParameterizedTest
    @CsvSource({
        "jwt.existingSecret, chorus-jwt",
        "internalCredential.existingSecret, chorus-internal",
        "bus.existingSecret, chorus-bus-keys",
        "database.existingSecret, chorus-database"
    })
    void usesASecretCreatedOutsideTheChart(String setting, String chartSecret) {
        Map<String, Object> values = Map.of(setting, "vault-secret", "database.existingSecretKey", "pg-password");
        Manifests manifests = render(values);
        Set<String> expected = new TreeSet<>(Set.of("chorus-jwt", "chorus-internal", "chorus-bus-keys", "chorus-database"));
        expected.remove(chartSecret);
        assertEquals(expected, new TreeSet<>(secretNames(manifests)), "Secrets the chart makes with " + setting);
        assertUsesSecrets(manifests, values);
    }

    @Test
    void makesNoSecretWhenGivenAllFour() {
        Map<String, Object> values = Map.of(
                "jwt.existingSecret", "vault-jwt", "internalCredential.existingSecret", "vault-internal",
                "bus.existingSecret", "vault-bus-keys", "database.existingSecret", "vault-database");
        Manifests manifests = render(values);
        assertEquals(Set.of(), secretNames(manifests), "Secrets the chart makes although given all four");
        assertTrue(manifests.find("StatefulSet", "chorus-postgresql").isPresent(), "the bundled PostgreSQL stays");
        assertUsesSecrets(manifests, values);
    }

    private static void assertUsesSecrets(Manifests manifests, Map<String, Object> values) {
        String jwt = (String) values.getOrDefault("jwt.existingSecret", "chorus-jwt");
        String bus = (String) values.getOrDefault("bus.existingSecret", "chorus-bus-keys");
        List<String> database = values.containsKey("database.existingSecret")
                ? List.of((String) values.get("database.existingSecret"),
                        (String) values.getOrDefault("database.existingSecretKey", "password"))
                : List.of("chorus-database", "password");
        Secrets secrets = new Secrets((String) values.getOrDefault("internalCredential.existingSecret", "chorus-internal"),
                bus, values.containsKey("bus.existingSecret") ? BusKeys.GIVEN : BusKeys.GENERATED, database);
        for (String service : ChorusRules.PORTS.keySet()) {
            ChorusRules.assertSecretsReachOnlyWhoNeedsThem(manifests, service, secrets);
            Object volume = ChorusRules.podSpec(manifests, service).get("volumes");
            assertTrue(asList(volume).stream().anyMatch(v -> "jwt".equals(path(v, "name"))
                    && jwt.equals(path(v, "secret", "secretName"))), "the token keys of " + service + " from " + jwt);
        }
        assertEquals(database, ChorusRules.secretRef(container(manifests.get("StatefulSet", "chorus-postgresql"),
                "postgresql"), "chorus-postgresql", "POSTGRES_PASSWORD"), "the bundled PostgreSQL's password");
    }

    static Stream<Arguments> givenSecretChanges() {
        String privateKey = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
        String publicKey = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----\n";
        return Stream.of(
                Arguments.of("a bus key", TEST_BUS_KEYS,
                        with(TEST_BUS_KEYS, "bus.keys.dmSecret", "dmSECRETkey.for.deploy-tests.only+000003")),
                Arguments.of("the token key pair", Map.of("jwt.privateKey", privateKey, "jwt.publicKey", publicKey),
                        Map.of("jwt.privateKey", privateKey.replace("MIIE", "MIIF"), "jwt.publicKey", publicKey.replace("MIIB", "MIIC"))),
                Arguments.of("the database password", Map.of("database.password", "first-password"),
                        Map.of("database.password", "second-password")));
    }

    private static Map<String, Object> with(Map<String, Object> values, String key, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(values);
        changed.put(key, value);
        return changed;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("givenSecretChanges")
    void rollsThePodsWhenAGivenSecretChanges(String what, Map<String, Object> before, Map<String, Object> after) {
        // The pods read their environment and key files only at start.
        Manifests old = render(before);
        Manifests changed = render(after);
        for (String service : ChorusRules.PORTS.keySet()) {
            Object oldChecksum = path(workload(old, service), "spec", "template", "metadata", "annotations", "checksum/secrets");
            Object newChecksum = path(workload(changed, service), "spec", "template", "metadata", "annotations", "checksum/secrets");
            assertNotNull(oldChecksum, "checksum/secrets on " + service + "'s pods");
            assertNotEquals(oldChecksum, newChecksum, service + "'s pods must roll when " + what + " changes");
        }
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
        Manifests manifests = Chart.renderIncludingHooks(Map.of());
        ChorusRules.assertNetworkPoliciesAdmitOnlyTheArchitecture(manifests,
                new Network(NAMESPACE, NGINX_NAMESPACE, true, null, null, false));
        // The rule models the `helm test` pod by these labels: they must be the rendered pod's.
        Map<String, Object> testPod = Chart.testHooks(manifests).getFirst();
        assertEquals("chorus-test", path(testPod, "metadata", "labels", "app"), "the helm test pod's app label");
        assertEquals(Chart.RELEASE, path(testPod, "metadata", "labels", INSTANCE), "the helm test pod's instance label");
    }

    @Test
    void refusesConnectionsTheArchitectureDoesNotNeed() {
        NetworkPolicies policies = new NetworkPolicies(render(), NAMESPACE);
        NetworkPolicies.Pod user = new NetworkPolicies.Pod(NAMESPACE, selector("user-service"));
        NetworkPolicies.Pod history = new NetworkPolicies.Pod(NAMESPACE, selector("history-service"));
        NetworkPolicies.Pod gateway = new NetworkPolicies.Pod(NAMESPACE, selector("group-gateway"));
        NetworkPolicies.Pod dm = new NetworkPolicies.Pod(NAMESPACE, selector("dm-service"));
        assertFalse(policies.allows(user, history, 8083), "user-service -> history-service");
        assertTrue(policies.allows(gateway, user, 8081), "group-gateway -> user-service (write budgets)");
        assertFalse(policies.allows(history, user, 8081), "history-service -> user-service");
        assertFalse(policies.allows(user, gateway, 5557), "user-service -> the bus");
        assertTrue(policies.allows(dm, user, 8081), "dm-service -> user-service");
        assertFalse(policies.allows(user, NetworkPolicies.Pod.outside("203.0.113.10"), 443), "user-service -> the internet");
    }

    @Test
    void admitsTheIngressControllerFromAConfiguredNamespace() {
        Manifests manifests = render(Map.of(
                "networkPolicy.ingressNamespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name", "traefik"));
        ChorusRules.assertNetworkPoliciesAdmitOnlyTheArchitecture(manifests,
                new Network(NAMESPACE, Map.of("kubernetes.io/metadata.name", "traefik"), true, null, null, false));
        NetworkPolicies policies = new NetworkPolicies(manifests, NAMESPACE);
        NetworkPolicies.Pod nginx = new NetworkPolicies.Pod("ingress-nginx",
                Map.of("app.kubernetes.io/name", "ingress-nginx"));
        NetworkPolicies.Pod gateway = new NetworkPolicies.Pod(NAMESPACE, Map.of("app", "group-gateway"));
        assertFalse(policies.allows(nginx, gateway, 8080), "the default namespace is no longer admitted");
    }

    @Test
    void reachesAnExternalPostgresqlOnlyInItsAddressRange() {
        Manifests manifests = render(Map.of("postgresql.enabled", false, "database.host", "db.example.com",
                "database.port", 5433, "networkPolicy.databaseCidr", "10.20.0.0/16"));
        ChorusRules.assertNetworkPoliciesAdmitOnlyTheArchitecture(manifests,
                new Network(NAMESPACE, NGINX_NAMESPACE, true, null, "10.20.1.5:5433", false));
    }

    @Test
    void admitsPrometheusFromItsNamespaceWhenAServiceMonitorScrapes() {
        Manifests manifests = render(Map.of("metrics.serviceMonitor.enabled", true));
        ChorusRules.assertNetworkPoliciesAdmitOnlyTheArchitecture(manifests,
                new Network(NAMESPACE, NGINX_NAMESPACE, true, Map.of("kubernetes.io/metadata.name", "monitoring"), null, false));
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
    void givesPublishersTheHeadlessServiceAsTheirOneBusEndpoint() {
        Manifests manifests = render(Map.of("services.group-gateway.replicaCount", 3));
        assertEquals(3, path(manifests.get("StatefulSet", "group-gateway"), "spec", "replicas"));
        ChorusRules.assertGatewayHasStableNames(manifests);
        for (String publisher : ChorusRules.PUBLISHERS) {
            Map<String, Object> data = config(manifests, publisher);
            ChorusRules.assertBusEndpointIsTheHeadlessService((String) data.get("CHORUS_BUS_ENDPOINTS"),
                    "." + NAMESPACE + ".svc.cluster.local");
            assertEquals("PT5S", data.get("CHORUS_BUS_RESOLVE_INTERVAL"), "resolve interval of " + publisher);
            assertEquals("PT2S", data.get("CHORUS_BUS_HEARTBEAT_INTERVAL"), "heartbeat of " + publisher);
        }
        Map<String, Object> gateway = config(manifests, "group-gateway");
        assertEquals("PT2S", gateway.get("CHORUS_BUS_HEARTBEAT_INTERVAL"), "heartbeat of the gateway");
        assertFalse(gateway.containsKey("CHORUS_BUS_ENDPOINTS") || gateway.containsKey("CHORUS_BUS_RESOLVE_INTERVAL"),
                "the gateway publishes nothing: " + gateway.keySet());
        Map<String, Object> users = config(manifests, "user-service");
        assertTrue(users.keySet().stream().noneMatch(k -> k.startsWith("CHORUS_BUS_")), "user-service is not on the bus");

        Manifests tuned = render(Map.of("clusterDomain", "corp.internal", "bus.resolveInterval", "PT30S",
                "bus.heartbeatInterval", "PT1S"));
        Map<String, Object> dm = config(tuned, "dm-service");
        ChorusRules.assertBusEndpointIsTheHeadlessService((String) dm.get("CHORUS_BUS_ENDPOINTS"),
                "." + NAMESPACE + ".svc.corp.internal");
        assertEquals("PT30S", dm.get("CHORUS_BUS_RESOLVE_INTERVAL"), "bus.resolveInterval");
        assertEquals("PT1S", dm.get("CHORUS_BUS_HEARTBEAT_INTERVAL"), "bus.heartbeatInterval");
        assertEquals("PT1S", config(tuned, "group-gateway").get("CHORUS_BUS_HEARTBEAT_INTERVAL"), "bus.heartbeatInterval");
    }

    @Test
    void scalingTheGatewayRestartsNoOtherPod() {
        // Publishers find new gateways in DNS: no pod's template (so no checksum) depends on replicaCount.
        Manifests two = render(Map.of("services.group-gateway.replicaCount", 2));
        Manifests five = render(Map.of("services.group-gateway.replicaCount", 5));
        assertEquals(5, path(five.get("StatefulSet", "group-gateway"), "spec", "replicas"));
        for (String service : ChorusRules.PORTS.keySet()) {
            Object annotations = path(workload(two, service), "spec", "template", "metadata", "annotations");
            assertNotNull(path(annotations, "checksum/config"), "checksum/config of " + service);
            assertNotNull(path(annotations, "checksum/secrets"), "checksum/secrets of " + service);
        }
        for (Map<String, Object> workload : two.all()) {
            if (Set.of("Deployment", "StatefulSet").contains(workload.get("kind"))) {
                String name = Manifests.name(workload);
                assertEquals(path(workload, "spec", "template"),
                        path(five.get((String) workload.get("kind"), name), "spec", "template"),
                        "the pods of " + name + " after scaling the gateway");
            }
        }
        for (Map<String, Object> configMap : two.ofKind("ConfigMap")) {
            assertEquals(configMap, five.get("ConfigMap", Manifests.name(configMap)), "ConfigMap after scaling the gateway");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void leavesTheReplicaCountToAnEnabledAutoscaler(String service) {
        Manifests manifests = render(Map.of("services." + service + ".autoscaling.enabled", true));
        List<Map<String, Object>> autoscalers = manifests.ofKind("HorizontalPodAutoscaler");
        assertEquals(1, autoscalers.size(), "HorizontalPodAutoscalers");
        Map<String, Object> hpa = autoscalers.getFirst();
        assertEquals("autoscaling/v2", hpa.get("apiVersion"));
        assertEquals(service, Manifests.name(hpa));
        assertEquals(Map.of("apiVersion", "apps/v1", "kind", ChorusRules.workloadKind(service), "name", service),
                path(hpa, "spec", "scaleTargetRef"));
        assertFalse(asMap(workload(manifests, service).get("spec")).containsKey("replicas"),
                "the autoscaler owns the replica count of " + service);
        Manifests defaults = render();
        assertEquals(2, path(workload(defaults, service), "spec", "replicas"), "replicaCount without the autoscaler");
        assertEquals(0, defaults.ofKind("HorizontalPodAutoscaler").size(), "no autoscaler by default");
    }

    @Test
    void createsTheKeyPairSecretFromGivenKeys() {
        String privateKey = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
        String publicKey = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----\n";
        Map<String, Object> secret = render(Map.of("jwt.privateKey", privateKey, "jwt.publicKey", publicKey))
                .get("Secret", "chorus-jwt");
        assertEquals(privateKey, decoded(secret, "private.pem"));
        assertEquals(publicKey, decoded(secret, "public.pem"));
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
        "image.flavor=wasm",
        "postgresql.enabled=maybe",
        "services.history-service.database=chorus-history",
        "services.group-gateway.busXpubPort=5558",
        "services.group-gateway.autoscaling.maxReplicas=0",
        "internalCredential.value=shorter-than-32-characters",
        "bus.keys.serverPublic=not-a-curve-key",
        "bus.keys.dmSecret=dmSECRETkey.for.deploy-tests.only+00000\"",
        "bus.resolveInterval=5 seconds",
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
