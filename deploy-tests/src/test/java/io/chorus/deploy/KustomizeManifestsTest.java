package io.chorus.deploy;

import static io.chorus.deploy.Manifests.asList;
import static io.chorus.deploy.Manifests.asMap;
import static io.chorus.deploy.Manifests.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.deploy.ChorusRules.BusKeys;
import io.chorus.deploy.ChorusRules.Network;
import io.chorus.deploy.ChorusRules.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Builds k8s/ (your own PostgreSQL) and k8s/with-postgres/ (a trial one beside the services) with
 * `kubectl kustomize` and checks what they apply by the same rules as the chart.
 */
class KustomizeManifestsTest {

    private static final Path K8S = Kustomize.K8S;
    private static final String NAMESPACE = "chorus";
    /** What kubectl apply -k takes: the services alone, and with the trial PostgreSQL. */
    private static final List<String> INSTALLS = List.of("k8s", "k8s/with-postgres");
    /** k8s/ creates none of the Secrets: all six bus keys are given, PGPASSWORD is left to <name>-secrets. */
    private static final Secrets SECRETS = new Secrets("chorus-internal", "chorus-bus-keys", BusKeys.GIVEN, null);

    private static Manifests build(String install) {
        return Kustomize.build(Repository.ROOT.resolve(install));
    }

    static Stream<String> installs() {
        return INSTALLS.stream();
    }

    static Stream<Arguments> installsAndServices() {
        return INSTALLS.stream().flatMap(install -> DeployConsistencyTest.SERVICES.stream()
                .map(service -> Arguments.of(install, service)));
    }

    private static List<Path> yamlFiles(Path dir, int depth) throws IOException {
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    private static Map<String, Object> kustomization(Path dir) throws IOException {
        return asMap(Manifests.parse(Files.readString(dir.resolve("kustomization.yaml"))).all().getFirst());
    }

    @Test
    void parsesEveryYamlFile() throws IOException {
        List<Path> files = yamlFiles(K8S, Integer.MAX_VALUE);
        assertFalse(files.isEmpty());
        for (Path file : files) {
            Manifests manifests = Manifests.read(List.of(file));
            for (Map<String, Object> object : manifests.all()) {
                assertTrue(object.containsKey("apiVersion") && object.containsKey("kind"),
                        K8S.relativize(file) + " holds a document that is not a Kubernetes object");
            }
        }
    }

    @Test
    void everyKustomizationUsesEveryFileBesideIt() throws IOException {
        assertEquals(List.of("base"), kustomization(K8S).get("resources"), "k8s/kustomization.yaml is the base");
        assertTrue(Files.isRegularFile(K8S.resolve("base/kustomization.yaml")), "k8s/base is a kustomization");
        for (Path dir : Kustomize.directories()) {
            Map<String, Object> kustomization = kustomization(dir);
            Set<String> used = new TreeSet<>();
            List<Object> references = new ArrayList<>(asList(kustomization.get("resources")));
            references.addAll(asList(kustomization.get("components")));
            for (Object reference : references) {
                Path target = dir.resolve((String) reference).normalize();
                assertTrue(Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")),
                        Kustomize.name(dir) + " lists " + reference + ", which is neither a file nor a kustomization");
                if (Files.isRegularFile(target)) {
                    used.add(target.getFileName().toString());
                }
            }
            for (Object generator : asList(kustomization.get("configMapGenerator"))) {
                asList(path(generator, "files")).forEach(f -> used.add(String.valueOf(f).replaceFirst("^.*=", "")));
            }
            Set<String> present;
            try (Stream<Path> files = Files.list(dir)) {
                present = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                        .filter(n -> !n.equals("kustomization.yaml"))
                        .collect(Collectors.toCollection(TreeSet::new));
            }
            assertEquals(present, used, Kustomize.name(dir) + ": the files beside its kustomization.yaml it uses");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("installs")
    void buildsIntoTheNamespaceWithTheImagesOfTheRegistry(String install) {
        Manifests built = build(install);
        for (Map<String, Object> object : built.all()) {
            if (!"Namespace".equals(object.get("kind"))) {
                assertEquals(NAMESPACE, path(object, "metadata", "namespace"), Manifests.name(object));
            }
        }
        assertEquals(NAMESPACE, Manifests.name(built.ofKind("Namespace").getFirst()));
        for (String service : ChorusRules.PORTS.keySet()) {
            Map<String, Object> container = Manifests.container(built.get(ChorusRules.workloadKind(service), service), service);
            assertEquals("localhost:5000/chorus/" + service + ":1.0.0-SNAPSHOT", container.get("image"),
                    "kustomize sets the image of " + service + " as the chart's default");
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("installsAndServices")
    void runsEachServiceUnderItsOneName(String install, String service) {
        Manifests manifests = build(install);
        ChorusRules.assertRunsUnderOneName(manifests, service);
        ChorusRules.assertProbesAndPorts(manifests, service);
        ChorusRules.assertOnlyUserServiceSigns(manifests, service);
        Map<String, Object> container = Manifests.container(manifests.get(ChorusRules.workloadKind(service), service), service);
        assertEquals(ChorusRules.PUBLISHERS.contains(service),
                ChorusRules.envFrom(container, "configMapRef").contains("chorus-bus"),
                "only publishers read the bus endpoints: " + service);
        Map<String, Object> data = asMap(manifests.get("ConfigMap", service + "-config").get("data"));
        assertEquals("/etc/chorus/jwt/public.pem", data.get("CHORUS_JWT_PUBLIC_KEY_LOCATION"));
        assertEquals("postgres", data.get("PGHOST"), "the Service postgres of the namespace");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("installsAndServices")
    void givesEachServiceOnlyTheSecretKeysItNeeds(String install, String service) {
        ChorusRules.assertSecretsReachOnlyWhoNeedsThem(build(install), service, SECRETS);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("installsAndServices")
    void hardensEveryPodAndBudgetsItsDisruptions(String install, String service) {
        ChorusRules.assertPodsAreHardened(build(install), service, Map.of("app", service));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("installsAndServices")
    void createsEachServicesDatabaseBeforeItStarts(String install, String service) {
        Manifests manifests = build(install);
        ChorusRules.assertCreatesItsDatabaseFirst(manifests, service);
        Map<String, Object> init = asMap(asList(ChorusRules.podSpec(manifests, service).get("initContainers")).getFirst());
        assertEquals(List.of(service + "-config"), ChorusRules.envFrom(init, "configMapRef"),
                "the create-database step of " + service + " reads the service's settings");
        assertEquals(List.of(service + "-secrets"), ChorusRules.envFrom(init, "secretRef"),
                "the create-database step of " + service + " reads its password where the service does");
    }

    @Test
    void runsTheChartsCreateDatabaseScript() throws IOException {
        Path script = K8S.resolve("base/create-database.sh");
        assertEquals(-1, Files.mismatch(script, ChorusRules.CREATE_DATABASE_SCRIPT),
                "k8s/base/create-database.sh must be byte for byte helm/chorus/files/create-database.sh");
        assertEquals(Files.readString(ChorusRules.CREATE_DATABASE_SCRIPT),
                path(build("k8s").get("ConfigMap", "chorus-database-init"), "data", "create-database.sh"),
                "chorus-database-init as kustomize builds it");
    }

    @Test
    void namesEveryObjectAfterItsService() {
        ChorusRules.assertNamesFollowAppLabels(build("k8s/with-postgres"));
    }

    @Test
    void givesEachServiceItsOwnDatabase() {
        Manifests manifests = build("k8s");
        Set<Object> databases = ChorusRules.PORTS.keySet().stream()
                .map(s -> path(manifests.get("ConfigMap", s + "-config"), "data", "CHORUS_DATABASE"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("chorus_users", "chorus_dms", "chorus_gateway", "chorus_history"), databases);
    }

    @Test
    void routesEachPublicPathToItsServiceAndKeepsHistoryInternal() {
        ChorusRules.assertIngressRoutesPublicPaths(build("k8s"));
    }

    @Test
    void routesThePathsTheChartRoutes() {
        assertEquals(routes(Chart.render(Map.of())), routes(build("k8s")), "the Ingress routes of k8s/ and of the chart");
    }

    /** An Ingress's routes: path, pathType, backend Service and port. */
    private static Set<List<Object>> routes(Manifests manifests) {
        Set<List<Object>> routes = new LinkedHashSet<>();
        for (Object rule : asList(path(manifests.ofKind("Ingress").getFirst(), "spec", "rules"))) {
            for (Object p : asList(path(rule, "http", "paths"))) {
                routes.add(List.of(path(p, "path"), path(p, "pathType"), path(p, "backend", "service", "name"),
                        String.valueOf(path(p, "backend", "service", "port"))));
            }
        }
        return routes;
    }

    @Test
    void commitsNoSecret() throws IOException {
        // The token keys, the internal credential and the bus keys are created per cluster
        // (docs/deploy.md); a value in the repository would be everyone's.
        for (Path file : yamlFiles(K8S, Integer.MAX_VALUE)) {
            assertEquals(0, Manifests.read(List.of(file)).ofKind("Secret").size(),
                    K8S.relativize(file) + " holds a Secret");
        }
        for (String install : INSTALLS) {
            assertEquals(0, build(install).ofKind("Secret").size(), install + " builds a Secret");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("installs")
    void admitsOnlyTheConnectionsTheArchitectureNeeds(String install) {
        // k8s/ does not know where PostgreSQL is: the services may reach port 5432 anywhere.
        ChorusRules.assertNetworkPoliciesAdmitOnlyTheArchitecture(build(install), new Network(NAMESPACE,
                Map.of("kubernetes.io/metadata.name", "ingress-nginx"), false, null, null, true));
    }

    @Test
    void bundlesTheTrialPostgresqlOnlyWithPostgres() {
        assertTrue(build("k8s").find("StatefulSet", "postgres").isEmpty(), "k8s/ runs no PostgreSQL");
        Manifests withPostgres = build("k8s/with-postgres");
        withPostgres.get("StatefulSet", "postgres");
        assertEquals(Map.of("app", "postgres"), path(withPostgres.get("Service", "postgres"), "spec", "selector"));
        withPostgres.get("NetworkPolicy", "postgres");
    }

    @Test
    void offersNoSubscriberPortOnTheBus() {
        ChorusRules.assertNoSubscriberPort(build("k8s"));
    }

    @Test
    void givesPublishersTheHeadlessServiceAsTheirOneBusEndpoint() {
        Manifests manifests = build("k8s");
        ChorusRules.assertGatewayHasStableNames(manifests);
        Map<String, Object> bus = asMap(manifests.get("ConfigMap", "chorus-bus").get("data"));
        ChorusRules.assertBusEndpointIsTheHeadlessService(((String) bus.get("CHORUS_BUS_ENDPOINTS")).strip(), "");
        assertEquals("PT5S", bus.get("CHORUS_BUS_RESOLVE_INTERVAL"), "resolve interval");
        assertEquals("PT2S", bus.get("CHORUS_BUS_HEARTBEAT_INTERVAL"), "heartbeat interval of the publishers");
        assertEquals("PT2S", path(manifests.get("ConfigMap", "group-gateway-config"), "data", "CHORUS_BUS_HEARTBEAT_INTERVAL"),
                "heartbeat interval of the gateway");
    }
}
