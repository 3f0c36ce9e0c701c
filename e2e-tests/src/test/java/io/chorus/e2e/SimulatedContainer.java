package io.chorus.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One container as it would run: its command, its environment, its mounts (mount path to the
 * local directory standing for it), with every mount path in its environment and command
 * rewritten to the local directory.
 */
record SimulatedContainer(String pod, String name, List<String> command, Map<String, String> environment,
                         Set<String> declared, Map<String, Path> mounts, Path workingDirectory, Path home,
                         Map<String, Object> spec) {

    /** The local directory or file standing for a path in the container, if a volume is mounted there. */
    Optional<Path> localPath(String containerPath) {
        return Optional.ofNullable(mounts.get(containerPath));
    }

    int port(Object nameOrNumber) {
        if (nameOrNumber instanceof Integer number) {
            return number;
        }
        return RenderedChart.list(spec.get("ports")).stream().map(RenderedChart::map)
                .filter(port -> nameOrNumber.equals(port.get("name"))).map(port -> (Integer) port.get("containerPort"))
                .findFirst().orElseThrow(() -> new AssertionError(this + " has no port named " + nameOrNumber));
    }

    @Override
    public String toString() {
        return "container " + name + " of pod " + pod;
    }
}
