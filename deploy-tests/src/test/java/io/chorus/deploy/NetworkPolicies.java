package io.chorus.deploy;

import static io.chorus.deploy.Manifests.asList;
import static io.chorus.deploy.Manifests.asMap;
import static io.chorus.deploy.Manifests.path;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers "may this pod open a connection to that pod's port?" from the NetworkPolicy objects of
 * one namespace, the way the API defines it: a connection goes through only if the source's
 * egress allows it and the destination's ingress admits it. A pod selected by no policy of a
 * direction (Ingress, Egress) is open in that direction; a selected pod allows what some rule of
 * some selecting policy allows (rules add up). Pods of other namespaces and hosts outside the
 * cluster are governed by no policy here. Checking the answers, rather than the policies' shape,
 * is what catches a rule that allows too much.
 */
final class NetworkPolicies {

    /**
     * A peer as a policy sees it: where it runs (null for a host outside the cluster), its
     * namespace's labels, its own labels, its ports by name, and its address (null for a pod,
     * whose address is not known in advance: an ipBlock may hold it).
     */
    record Pod(String namespace, Map<String, String> namespaceLabels, Map<String, String> labels,
               Map<String, Integer> namedPorts, String address) {

        Pod(String namespace, Map<String, String> namespaceLabels, Map<String, String> labels,
            Map<String, Integer> namedPorts) {
            this(namespace, namespaceLabels, labels, namedPorts, null);
        }

        Pod(String namespace, Map<String, String> labels) {
            this(namespace, Map.of("kubernetes.io/metadata.name", namespace), labels, Map.of());
        }

        /** A host outside the cluster, known by its IPv4 address only. */
        static Pod outside(String address) {
            return new Pod(null, Map.of(), Map.of(), Map.of(), address);
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

    private List<Map<String, Object>> selecting(Pod pod, String direction) {
        return policies.stream()
                .filter(p -> namespace.equals(pod.namespace()))
                .filter(p -> governs(p, direction))
                .filter(p -> matches(path(p, "spec", "podSelector"), pod.labels()))
                .toList();
    }

    /** Whether a pod admits no connection that no policy allows. */
    boolean isolates(Pod target) {
        return !selecting(target, "Ingress").isEmpty();
    }

    /** Whether a pod opens no connection that no policy allows. */
    boolean isolatesEgress(Pod source) {
        return !selecting(source, "Egress").isEmpty();
    }

    /** A TCP connection. */
    boolean allows(Pod source, Pod target, int port) {
        return allows(source, target, port, "TCP");
    }

    boolean allows(Pod source, Pod target, int port, String protocol) {
        // Out of the source under its Egress policies, and into the target under its Ingress ones.
        return admits(source, "Egress", "egress", "to", target, target, port, protocol)
                && admits(target, "Ingress", "ingress", "from", source, target, port, protocol);
    }

    /**
     * Whether the policies of {@code subject} of this type admit a connection with {@code peer} to
     * {@code target}'s port; a pod that no such policy selects admits everything.
     */
    private boolean admits(Pod subject, String type, String rules, String peers, Pod peer, Pod target, int port,
                           String protocol) {
        List<Map<String, Object>> selecting = selecting(subject, type);
        if (selecting.isEmpty()) {
            return true;
        }
        for (Map<String, Object> policy : selecting) {
            for (Object rule : asList(path(policy, "spec", rules))) {
                if (portMatches(rule, target, port, protocol) && peersMatch(path(rule, peers), peer)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean governs(Map<String, Object> policy, String direction) {
        List<Object> types = asList(path(policy, "spec", "policyTypes"));
        if (!types.isEmpty()) {
            return types.contains(direction);
        }
        // Without policyTypes a policy is for Ingress, and for Egress only if it has egress rules.
        return direction.equals("Ingress") || path(policy, "spec", "egress") != null;
    }

    private static boolean portMatches(Object rule, Pod target, int port, String protocol) {
        List<Object> ports = asList(path(rule, "ports"));
        if (ports.isEmpty()) {
            return true;
        }
        for (Object p : ports) {
            if (!protocol.equals(Objects.requireNonNullElse(path(p, "protocol"), "TCP"))) {
                continue;
            }
            Object number = path(p, "port");
            Object end = path(p, "endPort");
            if (number == null
                    || number instanceof Integer n && (end instanceof Integer e ? n <= port && port <= e : n == port)
                    || number instanceof String name && Objects.equals(target.namedPorts().get(name), port)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a rule's peers (from or to) include this pod; none listed means every peer. */
    private boolean peersMatch(Object peers, Pod pod) {
        List<Object> list = asList(peers);
        if (list.isEmpty()) {
            return true;
        }
        for (Object peer : list) {
            Object block = path(peer, "ipBlock");
            if (block != null) {
                // A pod's address is not known in advance: an address range may hold any pod.
                if (pod.address() == null || inBlock(block, pod.address())) {
                    return true;
                }
                continue;
            }
            if (pod.namespace() == null) {
                continue;
            }
            Object namespaces = path(peer, "namespaceSelector");
            Object pods = path(peer, "podSelector");
            boolean namespaceMatches = namespaces == null
                    ? pod.namespace().equals(namespace)
                    : matches(namespaces, pod.namespaceLabels());
            if (namespaceMatches && (pods == null || matches(pods, pod.labels()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean inBlock(Object block, String address) {
        if (!inCidr((String) path(block, "cidr"), address)) {
            return false;
        }
        return asList(path(block, "except")).stream().noneMatch(except -> inCidr((String) except, address));
    }

    /** IPv4 only: the addresses these tests use. */
    static boolean inCidr(String cidr, String address) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (ipv4(parts[0]) & mask) == (ipv4(address) & mask);
    }

    private static long ipv4(String address) {
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 4) {
                throw new AssertionError("not an IPv4 address: " + address);
            }
            long value = 0;
            for (byte b : bytes) {
                value = value << 8 | (b & 0xFF);
            }
            return value;
        } catch (UnknownHostException e) {
            throw new AssertionError("not an address: " + address, e);
        }
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
