package io.chorus.e2e;

import static io.chorus.e2e.SimulatedRelease.LOOPBACK;
import static io.chorus.e2e.SimulatedRelease.NAMESPACE;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A pod: its volumes written to a directory, its containers read from its spec. */
final class SimulatedPod {

    final String name;
    private final RenderedChart rendered;
    private final Map<String, Object> spec;
    private final Path directory;
    private final Map<String, Path> volumes = new LinkedHashMap<>();

    SimulatedPod(RenderedChart rendered, Map<String, Object> pod, Path directory) {
        this.rendered = rendered;
        this.name = RenderedChart.name(pod);
        this.spec = RenderedChart.map(pod.get("spec"));
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            for (Object volume : RenderedChart.list(spec.get("volumes"))) {
                materialise(RenderedChart.map(volume));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<SimulatedContainer> initContainers() {
        return RenderedChart.list(spec.get("initContainers")).stream().map(c -> container(RenderedChart.map(c))).toList();
    }

    List<SimulatedContainer> containers() {
        return RenderedChart.list(spec.get("containers")).stream().map(c -> container(RenderedChart.map(c))).toList();
    }

    SimulatedContainer container(String containerName) {
        return containers().stream().filter(c -> c.name().equals(containerName)).findFirst()
                .orElseThrow(() -> new AssertionError("pod " + name + " has no container " + containerName));
    }

    /** A volume's content, written where the pod's mounts of it point. */
    private void materialise(Map<String, Object> volume) throws IOException {
        String volumeName = (String) volume.get("name");
        Path target = Files.createDirectories(directory.resolve("volumes").resolve(volumeName));
        volumes.put(volumeName, target);
        Set<String> types = new LinkedHashSet<>(volume.keySet());
        types.remove("name");
        if (types.equals(Set.of("secret"))) {
            Map<String, Object> source = RenderedChart.map(volume.get("secret"));
            String secretName = (String) source.get("secretName");
            writeItems("Secret " + secretName, rendered.secretData(secretName), source, target, volumeName);
        } else if (types.equals(Set.of("configMap"))) {
            Map<String, Object> source = RenderedChart.map(volume.get("configMap"));
            String configMapName = (String) source.get("name");
            writeItems("ConfigMap " + configMapName, rendered.configMapData(configMapName), source, target, volumeName);
        } else if (!types.equals(Set.of("emptyDir"))) {
            throw new AssertionError("volume " + volumeName + " of pod " + name + " is of a type the simulation does not understand: "
                    + types + " (it knows secret, configMap and emptyDir)");
        }
    }

    private void writeItems(String what, Optional<Map<String, String>> data, Map<String, Object> source, Path target,
                            String volumeName) throws IOException {
        boolean optional = Boolean.TRUE.equals(source.get("optional"));
        if (data.isEmpty()) {
            if (optional) {
                return;
            }
            throw new AssertionError("volume " + volumeName + " of pod " + name + " needs " + what
                    + ", which the chart does not make: the pod would never start");
        }
        Map<String, String> items = new LinkedHashMap<>();
        Map<String, Integer> modes = new LinkedHashMap<>();
        if (source.get("items") == null) {
            data.get().keySet().forEach(key -> items.put(key, key));
        } else {
            for (Object entry : RenderedChart.list(source.get("items"))) {
                Map<String, Object> item = RenderedChart.map(entry);
                String key = (String) item.get("key");
                if (!data.get().containsKey(key)) {
                    if (optional) {
                        continue;
                    }
                    throw new AssertionError("volume " + volumeName + " of pod " + name + " needs the key " + key + " of " + what
                            + ", which has only " + data.get().keySet() + ": the pod would never start");
                }
                items.put(key, (String) item.get("path"));
                if (item.get("mode") instanceof Integer mode) {
                    modes.put(key, mode);
                }
            }
        }
        int defaultMode = source.get("defaultMode") instanceof Integer mode ? mode : 0644;
        for (Map.Entry<String, String> item : items.entrySet()) {
            Path file = target.resolve(item.getValue()).normalize();
            assertTrue(file.startsWith(target), "item path " + item.getValue() + " of volume " + volumeName + " leaves it");
            Files.createDirectories(file.getParent());
            Files.writeString(file, data.get().get(item.getKey()));
            Files.setPosixFilePermissions(file, permissions(modes.getOrDefault(item.getKey(), defaultMode)));
        }
    }

    private SimulatedContainer container(Map<String, Object> container) {
        String containerName = (String) container.get("name");
        String where = "container " + containerName + " of pod " + name;
        Map<String, Path> mounts = new TreeMap<>();
        for (Object entry : RenderedChart.list(container.get("volumeMounts"))) {
            Map<String, Object> mount = RenderedChart.map(entry);
            Set<String> understood = Set.of("name", "mountPath", "readOnly");
            if (!understood.containsAll(mount.keySet())) {
                throw new AssertionError(where + " mounts " + mount + ": the simulation understands only " + understood);
            }
            Path local = volumes.get((String) mount.get("name"));
            if (local == null) {
                throw new AssertionError(where + " mounts volume " + mount.get("name") + ", which the pod does not have");
            }
            mounts.put((String) mount.get("mountPath"), local);
        }
        Set<String> declared = new LinkedHashSet<>();
        Map<String, String> environment = environment(container, where, declared);
        environment.replaceAll((key, value) -> rewrite(value, mounts));
        List<String> command = new ArrayList<>();
        Stream.of("command", "args").flatMap(key -> RenderedChart.list(container.get(key)).stream())
                .map(part -> rewrite(RenderedChart.string(part, "command of " + where), mounts)).forEach(command::add);
        try {
            Path home = Files.createDirectories(directory.resolve("home").resolve(containerName));
            Path workingDirectory = container.get("workingDir") == null ? home
                    : Path.of(rewrite((String) container.get("workingDir"), mounts));
            return new SimulatedContainer(name, containerName, command, environment, declared, mounts, workingDirectory, home, container);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The environment the kubelet gives a container: service links, then envFrom, then env
     * (with $(VAR) expanded from what comes before), then the pod's host name.
     */
    private Map<String, String> environment(Map<String, Object> container, String where, Set<String> declared) {
        Map<String, String> serviceLinks = Boolean.FALSE.equals(spec.get("enableServiceLinks")) ? Map.of() : serviceLinks();
        Map<String, String> defined = new LinkedHashMap<>();
        for (Object entry : RenderedChart.list(container.get("envFrom"))) {
            Map<String, Object> source = RenderedChart.map(entry);
            String prefix = Objects.toString(source.get("prefix"), "");
            Set<String> kinds = new LinkedHashSet<>(source.keySet());
            kinds.remove("prefix");
            Map<String, Object> reference;
            Optional<Map<String, String>> data;
            String what;
            if (kinds.equals(Set.of("configMapRef"))) {
                reference = RenderedChart.map(source.get("configMapRef"));
                what = "ConfigMap " + reference.get("name");
                data = rendered.configMapData((String) reference.get("name"));
            } else if (kinds.equals(Set.of("secretRef"))) {
                reference = RenderedChart.map(source.get("secretRef"));
                what = "Secret " + reference.get("name");
                data = rendered.secretData((String) reference.get("name"));
            } else {
                throw new AssertionError(where + " takes envFrom " + source + ", which the simulation does not understand");
            }
            if (data.isEmpty() && !Boolean.TRUE.equals(reference.get("optional"))) {
                throw new AssertionError(where + " takes its environment from " + what
                        + ", which the chart does not make: the pod would never start");
            }
            data.orElse(Map.of()).forEach((key, value) -> defined.put(prefix + key, value));
        }
        for (Object entry : RenderedChart.list(container.get("env"))) {
            Map<String, Object> variable = RenderedChart.map(entry);
            String variableName = (String) variable.get("name");
            String of = "env " + variableName + " of " + where;
            if (variable.get("valueFrom") == null) {
                Map<String, String> known = new LinkedHashMap<>(serviceLinks);
                known.putAll(defined);
                defined.put(variableName, expand(RenderedChart.string(variable.get("value"), of), known));
                continue;
            }
            Map<String, Object> from = RenderedChart.map(variable.get("valueFrom"));
            if (from.keySet().equals(Set.of("secretKeyRef")) || from.keySet().equals(Set.of("configMapKeyRef"))) {
                boolean secret = from.containsKey("secretKeyRef");
                Map<String, Object> reference = RenderedChart.map(from.get(secret ? "secretKeyRef" : "configMapKeyRef"));
                String objectName = (String) reference.get("name");
                String key = (String) reference.get("key");
                Optional<String> value = (secret ? rendered.secretData(objectName) : rendered.configMapData(objectName))
                        .map(data -> data.get(key));
                if (value.isPresent()) {
                    defined.put(variableName, value.get());
                } else if (!Boolean.TRUE.equals(reference.get("optional"))) {
                    throw new AssertionError(of + " needs the key " + key + " of " + (secret ? "Secret " : "ConfigMap ") + objectName
                            + ", which the chart does not make: the pod would never start");
                }
            } else if (from.keySet().equals(Set.of("fieldRef"))) {
                String field = (String) RenderedChart.map(from.get("fieldRef")).get("fieldPath");
                defined.put(variableName, switch (field) {
                    case "metadata.name" -> name;
                    case "metadata.namespace" -> NAMESPACE;
                    case "status.podIP" -> LOOPBACK;
                    default -> throw new AssertionError(of + " takes the field " + field + ", which the simulation does not know");
                });
            } else {
                throw new AssertionError(of + " takes its value from " + from + ", which the simulation does not understand");
            }
        }
        declared.addAll(defined.keySet());
        Map<String, String> environment = new LinkedHashMap<>(serviceLinks);
        environment.putAll(defined);
        environment.put("HOSTNAME", name);
        return environment;
    }

    /** The variables Kubernetes gives every pod for each Service of its namespace with a cluster IP. */
    private Map<String, String> serviceLinks() {
        Map<String, String> links = new LinkedHashMap<>();
        links.put("KUBERNETES_SERVICE_HOST", LOOPBACK);
        links.put("KUBERNETES_SERVICE_PORT", "443");
        links.put("KUBERNETES_SERVICE_PORT_HTTPS", "443");
        links.put("KUBERNETES_PORT", "tcp://" + LOOPBACK + ":443");
        links.put("KUBERNETES_PORT_443_TCP", "tcp://" + LOOPBACK + ":443");
        links.put("KUBERNETES_PORT_443_TCP_PROTO", "tcp");
        links.put("KUBERNETES_PORT_443_TCP_PORT", "443");
        links.put("KUBERNETES_PORT_443_TCP_ADDR", LOOPBACK);
        for (Map<String, Object> service : rendered.ofKind("Service")) {
            if ("None".equals(RenderedChart.path(service, "spec", "clusterIP"))) {
                continue;
            }
            String prefix = RenderedChart.name(service).toUpperCase(Locale.ROOT).replace('-', '_');
            List<Object> ports = RenderedChart.list(RenderedChart.path(service, "spec", "ports"));
            for (int i = 0; i < ports.size(); i++) {
                Map<String, Object> port = RenderedChart.map(ports.get(i));
                String number = String.valueOf(port.get("port"));
                String protocol = Objects.toString(port.get("protocol"), "TCP");
                String address = protocol.toLowerCase(Locale.ROOT) + "://" + LOOPBACK + ":" + number;
                if (i == 0) {
                    links.put(prefix + "_SERVICE_HOST", LOOPBACK);
                    links.put(prefix + "_SERVICE_PORT", number);
                    links.put(prefix + "_PORT", address);
                }
                if (port.get("name") != null) {
                    links.put(prefix + "_SERVICE_PORT_" + ((String) port.get("name")).toUpperCase(Locale.ROOT).replace('-', '_'), number);
                }
                String each = prefix + "_PORT_" + number + "_" + protocol;
                links.put(each, address);
                links.put(each + "_PROTO", protocol.toLowerCase(Locale.ROOT));
                links.put(each + "_PORT", number);
                links.put(each + "_ADDR", LOOPBACK);
            }
        }
        return links;
    }

    /** Kubernetes' $(VAR) expansion: defined names are replaced, others left as written, $$ is a $. */
    static String expand(String input, Map<String, String> defined) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c != '$' || i + 1 >= input.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = input.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '(' && input.indexOf(')', i + 2) >= 0) {
                int close = input.indexOf(')', i + 2);
                String variable = input.substring(i + 2, close);
                out.append(defined.getOrDefault(variable, "$(" + variable + ")"));
                i = close + 1;
            } else {
                out.append(c).append(next);
                i += 2;
            }
        }
        return out.toString();
    }

    /** Every mount path in a value (whole, or a path under it) rewritten to its local directory, in one pass. */
    static String rewrite(String value, Map<String, Path> mounts) {
        if (mounts.isEmpty()) {
            return value;
        }
        String alternatives = mounts.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|"));
        Matcher matcher = Pattern.compile("(?<![A-Za-z0-9._/-])(" + alternatives + ")(?=/|$|[^A-Za-z0-9._-])").matcher(value);
        return matcher.replaceAll(match -> Matcher.quoteReplacement(mounts.get(match.group(1)).toString()));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }
}
