package io.chorus.deploy;

import static io.chorus.deploy.Manifests.asList;
import static io.chorus.deploy.Manifests.name;
import static io.chorus.deploy.Manifests.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Every object the chart (under each value set an install may use) and every kustomization under
 * k8s/ produce is valid against the schemas of a recent Kubernetes and of the CRDs used (HTTPRoute,
 * ServiceMonitor), strictly: no unknown field, no wrong type, no missing required field.
 */
class SchemaValidationTest {

    /** The value sets installs use, by name (keys as `helm --set` takes them). */
    static final Map<String, Map<String, Object>> VALUE_SETS = valueSets();

    private static Map<String, Map<String, Object>> valueSets() {
        Map<String, Map<String, Object>> sets = new LinkedHashMap<>();
        // No values at all: the chart generates its secrets and bundles PostgreSQL.
        sets.put("defaults", Map.of());
        sets.put("external PostgreSQL", Map.of(
                "postgresql.enabled", false, "database.host", "db.example.com", "database.password", "s3cret"));
        sets.put("gateways with the autoscaler", Map.of(
                "services.group-gateway.replicaCount", 3,
                "services.group-gateway.autoscaling.enabled", true,
                "services.group-gateway.autoscaling.maxReplicas", 6));
        sets.put("existing Secrets", Map.of(
                "jwt.existingSecret", "my-jwt", "internalCredential.existingSecret", "my-internal",
                "bus.existingSecret", "my-bus", "database.existingSecret", "my-db"));
        sets.put("HTTPRoute", Map.of(
                "httpRoute.enabled", true, "ingress.enabled", false,
                "httpRoute.parentRefs[0].name", "gateway", "httpRoute.hostnames[0]", "chorus.example.com"));
        sets.put("ServiceMonitor", Map.of("metrics.serviceMonitor.enabled", true));
        return sets;
    }

    static Stream<String> valueSetNames() {
        return VALUE_SETS.keySet().stream();
    }

    static Stream<Arguments> kustomizations() {
        return Kustomize.directories().stream().map(dir -> Arguments.of(Kustomize.name(dir), dir));
    }

    private static void assertAllValid(String what, Manifests manifests) {
        assertFalse(manifests.all().isEmpty(), what + " produced no object");
        List<SchemaValidator.Result> invalid = SchemaValidator.invalid(manifests.all());
        assertTrue(invalid.isEmpty(), what + ": objects that a Kubernetes API server would refuse:\n"
                + invalid.stream().map(SchemaValidator.Result::toString).collect(Collectors.joining("\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSetNames")
    void chartRendersOnlyValidObjects(String valueSet) {
        assertAllValid("the chart with " + valueSet, Chart.renderIncludingHooks(VALUE_SETS.get(valueSet)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void kustomizationBuildsOnlyValidObjects(String name, Path dir) {
        assertAllValid("kubectl kustomize " + name, Kustomize.build(dir));
    }

    @Test
    void kustomizationsIncludeTheBaseAndTheWithPostgresOverlay() {
        Set<String> names = Kustomize.directories().stream().map(Kustomize::name).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("k8s", "k8s/with-postgres")), "kustomizations found: " + names);
    }

    // --- The validator itself: each of these must fail, or a valid-looking suite proves nothing.

    private static Map<String, Object> deployment() {
        return Manifests.parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: probe
                  labels: {app: probe}
                spec:
                  replicas: 2
                  selector:
                    matchLabels: {app: probe}
                  template:
                    metadata:
                      labels: {app: probe}
                    spec:
                      containers:
                        - name: probe
                          image: chorus/probe:1
                          ports: [{name: http, containerPort: 8080}]
                          resources: {limits: {memory: 512Mi, cpu: 1}}
                          readinessProbe: {httpGet: {path: /q/health/ready, port: http}}
                      volumes: [{name: tmp, emptyDir: {}}]
                """).all().getFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> deployment) {
        return (Map<String, Object>) asList(path(deployment, "spec", "template", "spec", "containers")).getFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Map<String, Object> deployment) {
        return (Map<String, Object>) deployment.get("spec");
    }

    private static List<String> problems(Map<String, Object> object) {
        return SchemaValidator.validate(List.of(object)).getFirst().problems();
    }

    @Test
    void validatorAcceptsAValidDeployment() {
        assertEquals(List.of(), problems(deployment()));
    }

    @Test
    void validatorRejectsAnUnknownField() {
        Map<String, Object> deployment = deployment();
        container(deployment).put("bogus", 1);
        assertEquals(List.of("/spec/template/spec/containers/0/bogus: unknown field (not in the schema)"),
                problems(deployment));
    }

    @Test
    void validatorRejectsAMisspeltFieldAtAnyDepth() {
        Map<String, Object> deployment = deployment();
        spec(deployment).put("replica", 3);
        Map<String, Object> metadata = Manifests.asMap(deployment.get("metadata"));
        metadata.put("lables", metadata.remove("labels"));
        Manifests.asMap(path(container(deployment), "readinessProbe", "httpGet")).put("paht", "/");
        assertEquals(Set.of("/spec/replica", "/metadata/lables", "/spec/template/spec/containers/0/readinessProbe/httpGet/paht"),
                problems(deployment).stream().map(p -> p.substring(0, p.indexOf(':'))).collect(Collectors.toSet()));
    }

    @Test
    void validatorRejectsAWrongType() {
        Map<String, Object> deployment = deployment();
        spec(deployment).put("replicas", "two");
        List<String> problems = problems(deployment);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("/spec/replicas: must be integer"), problems.toString());
    }

    @Test
    void validatorRejectsAMissingRequiredField() {
        Map<String, Object> deployment = deployment();
        container(deployment).remove("name");
        List<String> problems = problems(deployment);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("/spec/template/spec/containers/0: must have required property name"),
                problems.toString());
    }

    @Test
    void validatorRejectsUnknownKindsAndApisThatAreNotGa() {
        Map<String, Object> misspelt = deployment();
        misspelt.put("kind", "Deploymnet");
        Map<String, Object> beta = deployment();
        beta.put("apiVersion", "apps/v1beta2");
        List<SchemaValidator.Result> results = SchemaValidator.validate(List.of(misspelt, beta));
        assertTrue(results.get(0).problems().getFirst().startsWith("/kind: no schema for Deploymnet"), results.toString());
        assertTrue(results.get(1).problems().getFirst().startsWith("/apiVersion: apps/v1beta2 is not a GA API"),
                results.toString());
    }

    @Test
    void validatorChecksTheCustomResourcesStrictlyToo() {
        List<Map<String, Object>> objects = new ArrayList<>(Manifests.parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: chorus}
                spec:
                  parentRefs: [{name: gateway}]
                  hostnames: [chorus.example.com]
                  rules:
                    - matches: [{path: {type: PathPrefix, value: /api/users}}]
                      backendRefs: [{name: user-service, port: 8081}]
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: chorus}
                spec:
                  selector: {matchLabels: {app.kubernetes.io/part-of: chorus}}
                  endpoints: [{port: http, path: /q/metrics}]
                """).all());
        assertEquals(List.of(List.of(), List.of()),
                SchemaValidator.validate(objects).stream().map(SchemaValidator.Result::problems).toList());
        Manifests.asMap(asList(path(objects.get(0), "spec", "rules")).getFirst()).put("backendRef", List.of());
        Manifests.asMap(asList(path(objects.get(1), "spec", "endpoints")).getFirst()).put("interval", 30);
        List<SchemaValidator.Result> results = SchemaValidator.validate(objects);
        assertEquals(List.of("/spec/rules/0/backendRef: unknown field (not in the schema)"), results.get(0).problems());
        assertTrue(results.get(1).problems().getFirst().startsWith("/spec/endpoints/0/interval: must be string"),
                results.toString());
    }

    // --- Each value set produces what it is about.

    private static Set<String> referencedSecrets(Manifests manifests) {
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> object : manifests.all()) {
            collectSecretNames(object.get("spec"), names);
        }
        return names;
    }

    private static void collectSecretNames(Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (("secretKeyRef".equals(key) || "secretRef".equals(key)) && value instanceof Map<?, ?> ref) {
                    names.add(String.valueOf(ref.get("name")));
                } else if ("secret".equals(key) && value instanceof Map<?, ?> volume && volume.get("secretName") != null) {
                    names.add(String.valueOf(volume.get("secretName")));
                }
                collectSecretNames(value, names);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectSecretNames(item, names));
        }
    }

    private static boolean bundlesPostgres(Manifests manifests) {
        return manifests.all().stream().anyMatch(o -> Set.of("StatefulSet", "Deployment").contains(o.get("kind"))
                && name(o).contains("postgres"));
    }

    @Test
    void defaultsBundlePostgresqlGenerateTheSecretsAndRenderTheHelmTestPod() {
        Manifests defaults = Chart.renderIncludingHooks(VALUE_SETS.get("defaults"));
        assertTrue(bundlesPostgres(defaults), "defaults bundle PostgreSQL");
        assertFalse(defaults.ofKind("Secret").isEmpty(), "defaults generate their Secrets");
        assertTrue(Chart.testHooks(defaults).stream().anyMatch(o -> "Pod".equals(o.get("kind"))),
                "defaults render the helm test Pod (validated with the rest)");
    }

    @Test
    void externalPostgresqlSetBundlesNoneAndPointsEveryServiceAtTheGivenHost() {
        Manifests external = Chart.render(VALUE_SETS.get("external PostgreSQL"));
        assertFalse(bundlesPostgres(external), "postgresql.enabled=false bundles no PostgreSQL");
        for (String service : ChorusRules.PORTS.keySet()) {
            assertEquals("db.example.com", path(external.get("ConfigMap", service + "-config"), "data", "PGHOST"),
                    "PGHOST of " + service);
        }
    }

    @Test
    void autoscalerSetRendersAHorizontalPodAutoscalerForTheGateway() {
        List<Map<String, Object>> autoscalers =
                Chart.render(VALUE_SETS.get("gateways with the autoscaler")).ofKind("HorizontalPodAutoscaler");
        assertEquals(1, autoscalers.size(), "HorizontalPodAutoscalers");
        Map<String, Object> hpa = autoscalers.getFirst();
        assertEquals("StatefulSet", path(hpa, "spec", "scaleTargetRef", "kind"));
        assertEquals("group-gateway", path(hpa, "spec", "scaleTargetRef", "name"));
        assertEquals(6, path(hpa, "spec", "maxReplicas"));
    }

    @Test
    void existingSecretsSetMakesThePodsUseTheGivenSecrets() {
        Manifests manifests = Chart.render(VALUE_SETS.get("existing Secrets"));
        Set<String> secrets = referencedSecrets(manifests);
        assertTrue(secrets.containsAll(Set.of("my-jwt", "my-internal", "my-bus", "my-db")),
                "the pods use the given Secrets: " + secrets);
        Set<String> made = manifests.ofKind("Secret").stream().map(Manifests::name).filter(secrets::contains)
                .collect(Collectors.toSet());
        assertEquals(Set.of(), made, "Secrets the chart made although it was given its own");
    }

    @Test
    void httpRouteSetRendersHttpRoutesAndNoIngress() {
        Manifests routed = Chart.render(VALUE_SETS.get("HTTPRoute"));
        assertEquals(0, routed.ofKind("Ingress").size(), "Ingresses with ingress.enabled=false");
        List<Map<String, Object>> routes = routed.ofKind("HTTPRoute");
        assertFalse(routes.isEmpty(), "HTTPRoutes with httpRoute.enabled=true");
        for (Map<String, Object> route : routes) {
            assertEquals(List.of("chorus.example.com"), path(route, "spec", "hostnames"), "hostnames of " + name(route));
            assertEquals("gateway", path(route, "spec", "parentRefs", 0, "name"), "parentRefs of " + name(route));
        }
    }

    @Test
    void serviceMonitorSetRendersAServiceMonitor() {
        assertFalse(Chart.render(VALUE_SETS.get("ServiceMonitor")).ofKind("ServiceMonitor").isEmpty(),
                "ServiceMonitors with metrics.serviceMonitor.enabled=true");
    }
}
