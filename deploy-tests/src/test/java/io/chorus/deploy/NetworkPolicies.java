package io.chorus.deploy;

import static io.chorus.deploy.Manifests.asList;
import static io.chorus.deploy.Manifests.asMap;
import static io.chorus.deploy.Manifests.path;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers "may this pod open a connection to that pod's port?" from the NetworkPolicy objects of
 * one namespace, the way the API defines it: a pod selected by no Ingress policy admits anyone;
 * a selected pod admits what some rule of some selecting policy allows (rules add up). Checking
 * the answers, rather than the policies' shape, is what catches a rule that admits too much.
 */
final class NetworkPolicies {

    /** A pod as a policy sees it: where it runs, its namespace's labels, its own labels, its ports by name. */
    record Pod(String namespace, Map<String, String> namespaceLabels, Map<String, String> labels,
               Map<String, Integer> namedPorts) {

        Pod(String namespace, Map<String, String> labels) {
            this(namespace, Map.of("kubernetes.io/metadata.name", namespace), labels, Map.of());
        }
    }

    private final String namespace;
    private final List<Map<String, Object>> policies;

    /** The policies of namespace; one without a namespace (a k8s/ file: kustomize sets it) counts as in it. */
    NetworkPolicies(Manifests manifests, String namespace) {
        this.namespace = namespace;
        this.policies = manifests.ofKind("NetworkPolicy").stream()
                .filter(p -> namespace.equals(Objects.requireNonNullElse(path(p, "metadata", "namespace"), namespace)))
                .toList();
    }

    List<Map<String, Object>> selecting(Pod pod) {
        return policies.stream()
                .filter(p -> pod.namespace().equals(namespace))
                .filter(NetworkPolicies::governsIngress)
                .filter(p -> matches(path(p, "spec", "podSelector"), pod.labels()))
                .toList();
    }

    /** Whether a pod admits no connection that no policy allows. */
    boolean isolates(Pod target) {
        return !selecting(target).isEmpty();
    }

    boolean allows(Pod source, Pod target, int port) {
        List<Map<String, Object>> selecting = selecting(target);
        if (selecting.isEmpty()) {
            return true;
        }
        for (Map<String, Object> policy : selecting) {
            for (Object rule : asList(path(policy, "spec", "ingress"))) {
                if (portMatches(rule, target, port) && fromMatches(rule, source)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean governsIngress(Map<String, Object> policy) {
        List<Object> types = asList(path(policy, "spec", "policyTypes"));
        // Without policyTypes a policy is for Ingress (and for Egress only if it has egress rules).
        return types.isEmpty() || types.contains("Ingress");
    }

    private static boolean portMatches(Object rule, Pod target, int port) {
        List<Object> ports = asList(path(rule, "ports"));
        if (ports.isEmpty()) {
            return true;
        }
        for (Object p : ports) {
            Object protocol = Objects.requireNonNullElse(path(p, "protocol"), "TCP");
            Object number = path(p, "port");
            if (!"TCP".equals(protocol)) {
                continue;
            }
            Object end = path(p, "endPort");
            if (number == null
                    || number instanceof Integer n && (end instanceof Integer e ? n <= port && port <= e : n == port)
                    || number instanceof String name && Objects.equals(target.namedPorts().get(name), port)) {
                return true;
            }
        }
        return false;
    }

    private boolean fromMatches(Object rule, Pod source) {
        List<Object> peers = asList(path(rule, "from"));
        if (peers.isEmpty()) {
            return true;
        }
        for (Object peer : peers) {
            if (path(peer, "ipBlock") != null) {
                // An address range may hold any pod; count it as admitting everyone.
                return true;
            }
            Object namespaces = path(peer, "namespaceSelector");
            Object pods = path(peer, "podSelector");
            boolean namespaceMatches = namespaces == null
                    ? source.namespace().equals(namespace)
                    : matches(namespaces, source.namespaceLabels());
            if (namespaceMatches && (pods == null || matches(pods, source.labels()))) {
                return true;
            }
        }
        return false;
    }

    /** A label selector; an empty one ({} or absent) selects everything. */
    static boolean matches(Object selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        Map<String, Object> s = asMap(selector);
        for (Map.Entry<String, Object> required : asMapOrEmpty(s.get("matchLabels")).entrySet()) {
            if (!Objects.equals(String.valueOf(required.getValue()), labels.get(required.getKey()))) {
                return false;
            }
        }
        for (Object expression : asList(s.get("matchExpressions"))) {
            String key = (String) path(expression, "key");
            List<Object> values = asList(path(expression, "values"));
            String value = labels.get(key);
            boolean ok = switch ((String) path(expression, "operator")) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("unknown selector operator in " + expression);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> asMapOrEmpty(Object node) {
        return node == null ? Map.of() : asMap(node);
    }
}
