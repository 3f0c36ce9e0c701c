package io.chorus.e2e;

import static io.chorus.e2e.SimulatedRelease.CLUSTER_DOMAIN;
import static io.chorus.e2e.SimulatedRelease.DATABASE_HOST;
import static io.chorus.e2e.SimulatedRelease.LOOPBACK;
import static io.chorus.e2e.SimulatedRelease.NAMESPACE;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.testing.LocalPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's host names the pods use, each checked to be one a pod in the namespace could
 * resolve (a Service of the release, in any of its forms, or the database host the chart was
 * given), all mapped to 127.0.0.1 for each kind of client.
 */
final class ClusterNames {

    private static final Pattern URL_HOST = Pattern.compile("(?:https?|tcp)://([A-Za-z0-9.-]+)(?::(\\d+))?");

    private final RenderedChart rendered;
    private final Path hostsFile;
    private final String databaseAddress;
    /** Host name to the ports used with it. */
    private final Map<String, Set<Integer>> names = new TreeMap<>();

    ClusterNames(RenderedChart rendered, Path hostsFile) throws IOException {
        this.rendered = rendered;
        this.hostsFile = hostsFile;
        this.databaseAddress = InetAddress.getByName(LocalPostgres.host()).getHostAddress();
    }

    /** Notes every host name in what the chart gives the container: URLs, tcp:// endpoints and PGHOST. */
    void collect(SimulatedContainer container) {
        container.declared().forEach(variable -> {
            String value = container.environment().get(variable);
            Matcher url = URL_HOST.matcher(value);
            while (url.find()) {
                int port = url.group(2) != null ? Integer.parseInt(url.group(2)) : value.startsWith("https") ? 443 : 80;
                note(url.group(1), port, "env " + variable + " of " + container);
            }
        });
        String pgHost = container.environment().get("PGHOST");
        if (container.declared().contains("PGHOST")) {
            note(pgHost, Integer.parseInt(container.environment().getOrDefault("PGPORT", "5432")), "env PGHOST of " + container);
        }
    }

    private void note(String host, int port, String where) {
        if (host.matches("[0-9.]+") || host.equals("localhost")) {
            throw new AssertionError(where + " points at " + host + ":" + port + ", which in a pod is the pod itself");
        }
        if (!host.equals(DATABASE_HOST)) {
            String service = host.split("\\.", 2)[0];
            String domain = host.contains(".") ? host.substring(service.length() + 1) : "";
            Map<String, Object> found = rendered.find("Service", service)
                    .filter(s -> List.of("", NAMESPACE, NAMESPACE + ".svc", NAMESPACE + ".svc." + CLUSTER_DOMAIN).contains(domain))
                    .orElseThrow(() -> new AssertionError(where + " names the host " + host
                            + ", which is no Service of the release in namespace " + NAMESPACE + " nor the database host"));
            boolean hasPort = RenderedChart.list(RenderedChart.path(found, "spec", "ports")).stream()
                    .anyMatch(p -> Objects.equals(port, RenderedChart.map(p).get("port")));
            assertTrue(hasPort, where + " uses port " + port + " of Service " + service + ", which has no such port");
        }
        names.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(port);
    }

    Path hostsFile() {
        return hostsFile;
    }

    /** Where a name goes: the database host to the PostgreSQL the tests use, every Service to this machine. */
    private String address(String host) {
        return host.equals(DATABASE_HOST) ? databaseAddress : LOOPBACK;
    }

    /** For the JVMs (jdk.net.hosts.file): every name above, plus this machine's own, as in a pod's /etc/hosts. */
    void writeHostsFile() throws IOException {
        Set<String> all = new LinkedHashSet<>(List.of("localhost"));
        all.add(localHostName());
        StringBuilder hosts = new StringBuilder();
        for (String host : names.keySet()) {
            if (address(host).equals(LOOPBACK)) {
                all.add(host);
            } else {
                hosts.append(address(host)).append(' ').append(host).append('\n');
            }
        }
        Files.writeString(hostsFile, LOOPBACK + " " + String.join(" ", all) + "\n" + hosts);
    }

    private static String localHostName() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    /**
     * The process environment of a simulated container: only what the pod spec gives it, plus
     * PATH and a HOME of its own, and the name mapping for the clients that do not read the
     * JVM's hosts file: libpq (PGHOSTADDR, when PGHOST is a mapped name) and curl (.curlrc).
     */
    void environmentFor(SimulatedContainer container, Map<String, String> environment, boolean jvm) throws IOException {
        environment.clear();
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        environment.put("HOME", container.home().toString());
        environment.putAll(container.environment());
        String pgHost = container.environment().get("PGHOST");
        if (!jvm && pgHost != null && names.containsKey(pgHost)) {
            environment.put("PGHOSTADDR", address(pgHost));
        }
        StringBuilder curlrc = new StringBuilder();
        names.forEach((host, ports) -> ports.forEach(port ->
                curlrc.append("resolve = \"").append(host).append(':').append(port).append(':').append(address(host)).append("\"\n")));
        Files.writeString(container.home().resolve(".curlrc"), curlrc);
    }
}
