package io.chorus.deploy;

import static io.chorus.deploy.Manifests.asList;
import static io.chorus.deploy.Manifests.asMap;
import static io.chorus.deploy.Manifests.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parses the plain manifests under k8s/ and checks them by the same rules as the chart. */
class KustomizeManifestsTest {

    private static final Path K8S = Repository.ROOT.resolve("k8s");

    private static List<Path> yamlFiles(Path dir, int depth) throws IOException {
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    /** The base: the files k8s/kustomization.yaml lists. */
    private static Manifests base() throws IOException {
        Map<String, Object> kustomization = kustomization(K8S);
        List<Path> files = asList(kustomization.get("resources")).stream()
                .map(r -> K8S.resolve((String) r))
                .toList();
        return Manifests.read(files);
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
    void everyKustomizationListsEveryFileBesideIt() throws IOException {
        List<Path> kustomizations = yamlFiles(K8S, Integer.MAX_VALUE).stream()
                .filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                .toList();
        assertTrue(kustomizations.contains(K8S.resolve("kustomization.yaml")));
        for (Path file : kustomizations) {
            Path dir = file.getParent();
            Set<String> listed = asList(kustomization(dir).get("resources")).stream()
                    .map(String.class::cast)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> present = yamlFiles(dir, 1).stream()
                    .map(f -> f.getFileName().toString())
                    .filter(n -> !n.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(present, listed, K8S.getParent().relativize(file) + " resources");
            assertEquals("chorus", kustomization(dir).get("namespace"), K8S.getParent().relativize(file) + " namespace");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-service", "dm-service", "history-service", "group-gateway"})
    void runsEachServiceUnderItsOneName(String service) throws IOException {
        Manifests manifests = base();
        ChorusRules.assertRunsUnderOneName(manifests, service);
        ChorusRules.assertProbesAndPorts(manifests, service);
        ChorusRules.assertOnlyUserServiceSigns(manifests, service);
        ChorusRules.assertSecretsReachOnlyWhoNeedsThem(manifests, service, "chorus-internal", "chorus-bus-keys");
        Map<String, Object> container = Manifests.container(manifests.get(ChorusRules.workloadKind(service), service), service);
        assertEquals(ChorusRules.PUBLISHERS.contains(service),
                ChorusRules.envFrom(container, "configMapRef").contains("chorus-bus"),
                "only publishers read the bus endpoints: " + service);
        Map<String, Object> data = asMap(manifests.get("ConfigMap", service + "-config").get("data"));
        assertEquals("/etc/chorus/jwt/public.pem", data.get("CHORUS_JWT_PUBLIC_KEY_LOCATION"));
        assertTrue(data.keySet().containsAll(Set.of("PGHOST", "PGPORT", "PGUSER", "CHORUS_DATABASE")),
                service + "-config has the database settings: " + data.keySet());
    }

    @Test
    void namesEveryObjectAfterItsService() throws IOException {
        ChorusRules.assertNamesFollowAppLabels(base());
        ChorusRules.assertNamesFollowAppLabels(Manifests.read(yamlFiles(K8S.resolve("postgres"), 1)));
    }

    @Test
    void givesEachServiceItsOwnDatabase() throws IOException {
        Manifests manifests = base();
        Set<Object> databases = ChorusRules.PORTS.keySet().stream()
                .map(s -> path(manifests.get("ConfigMap", s + "-config"), "data", "CHORUS_DATABASE"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("chorus_users", "chorus_dms", "chorus_gateway", "chorus_history"), databases);
        String init = (String) path(Manifests.read(List.of(K8S.resolve("postgres/postgres.yaml")))
                .get("ConfigMap", "postgres-init"), "data", "create-databases.sql");
        for (Object database : databases) {
            assertTrue(init.contains("CREATE DATABASE " + database + ";"), "the trial PostgreSQL creates " + database);
        }
    }

    @Test
    void routesEachPublicPathToItsServiceAndKeepsHistoryInternal() throws IOException {
        ChorusRules.assertIngressRoutesPublicPaths(base());
    }

    @Test
    void commitsNoSecret() throws IOException {
        // The token keys, the internal credential and the bus keys are created per cluster
        // (docs/deploy.md); a value in the repository would be everyone's.
        for (Path file : yamlFiles(K8S, Integer.MAX_VALUE)) {
            assertEquals(0, Manifests.read(List.of(file)).ofKind("Secret").size(),
                    K8S.relativize(file) + " holds a Secret");
        }
    }

    @Test
    void admitsOnlyTheConnectionsTheArchitectureNeeds() throws IOException {
        // The base and the trial PostgreSQL beside it: kustomize puts both in namespace chorus.
        Manifests manifests = Manifests.read(Stream.concat(
                asList(kustomization(K8S).get("resources")).stream().map(r -> K8S.resolve((String) r)),
                asList(kustomization(K8S.resolve("postgres")).get("resources")).stream()
                        .map(r -> K8S.resolve("postgres").resolve((String) r))).toList());
        ChorusRules.assertNetworkPoliciesAdmitOnlyTheArchitecture(manifests, "chorus",
                Map.of("kubernetes.io/metadata.name", "ingress-nginx"));
    }

    @Test
    void offersNoSubscriberPortOnTheBus() throws IOException {
        ChorusRules.assertNoSubscriberPort(base());
    }

    @Test
    void listsOneBusEndpointPerGatewayReplica() throws IOException {
        Manifests manifests = base();
        ChorusRules.assertGatewayHasStableNames(manifests);
        int replicas = (Integer) path(manifests.get("StatefulSet", "group-gateway"), "spec", "replicas");
        String endpoints = (String) path(manifests.get("ConfigMap", "chorus-bus"), "data", "CHORUS_BUS_ENDPOINTS");
        ChorusRules.assertBusEndpointsFollowReplicas(endpoints.strip(), replicas, "");
    }

    @Test
    void kustomizeBuildsTheBaseIntoTheNamespace() throws Exception {
        // Fails rather than skips: unchecked manifests are not done. .ci/run installs kubectl if missing.
        assertTrue(onPath("kubectl"), "kubectl is needed to build k8s/ with kustomize (apt-get install kubernetes-client)");
        Process build = new ProcessBuilder("kubectl", "kustomize", K8S.toString()).redirectErrorStream(true).start();
        String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(build.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
        assertEquals(0, build.exitValue(), output);
        Manifests built = Manifests.parse(output);
        assertEquals(base().all().size(), built.all().size(), "objects built");
        for (Map<String, Object> object : built.all()) {
            if (!"Namespace".equals(object.get("kind"))) {
                assertEquals("chorus", path(object, "metadata", "namespace"), Manifests.name(object));
            }
        }
        String image = (String) Manifests.container(built.get("Deployment", "user-service"), "user-service").get("image");
        assertTrue(image.startsWith("chorus/user-service:"), "kustomize sets the image tag: " + image);
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
