package io.chorus.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration properties a service reads, found in its sources, and which environment
 * variable sets which of them. SmallRye Config (Quarkus) looks a property up in the environment
 * under its name with every character other than A-Z, a-z and 0-9 turned into '_', upper-cased:
 * quarkus.http.port from QUARKUS_HTTP_PORT, gateway.bus.xsub-port from GATEWAY_BUS_XSUB_PORT. So a
 * variable sets a property the service reads exactly when it equals that form of one of them.
 *
 * <p>What counts as read (the service's module and common, main sources only):
 * <ul>
 *   <li>application.properties (and common's META-INF/microprofile-config.properties): every key,
 *       and every name inside a ${...} expression (${PGHOST:localhost} reads PGHOST);
 *   <li>{@code @ConfigMapping(prefix = "p")} interfaces: p plus the kebab-cased path of member
 *       methods through nested interfaces (and interfaces they extend) down to each value;
 *   <li>{@code @ConfigProperty(name = "...")};
 *   <li>property names read through the Config API by name ({@code getValue},
 *       {@code getOptionalValue}, {@code getConfigValue}): string constants of property shape in
 *       the classes that make such calls (common's BusKeys reads the CURVE keys so);
 *   <li>a few of Quarkus' own properties that no file of ours names ({@link #QUARKUS_OWN}).
 * </ul>
 */
final class ServiceConfiguration {

    /**
     * Quarkus' own properties that deployments set although no file of ours names them. Exact
     * names, so a misspelt one still fails; add one here only after checking it in the Quarkus
     * configuration reference.
     */
    static final Set<String> QUARKUS_OWN = Set.of(
            // Failed logins are throttled per client address, taken from X-Forwarded-For behind the Ingress.
            "quarkus.http.proxy.proxy-address-forwarding",
            "quarkus.http.proxy.allow-x-forwarded");

    private static final Pattern CONFIG_MAPPING = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern CONFIG_PROPERTY = Pattern.compile("@ConfigProperty\\s*\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern CONFIG_API_CALL = Pattern.compile("\\.(getValue|getOptionalValue|getConfigValue)\\s*\\(");
    private static final Pattern PROPERTY_LITERAL = Pattern.compile("\"([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)\"");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}$]+)");
    private static final Pattern INTERFACE = Pattern.compile(
            "\\binterface\\s+(\\w+)(?:\\s*<[^>]*>)?(?:\\s+extends\\s+([\\w\\s,.<>]+?))?\\s*\\{");
    // A member: `Type name();` (default methods have a body and are no properties).
    private static final Pattern MEMBER = Pattern.compile("^\\s*(?:@\\w+(?:\\([^)]*\\))?\\s+)*([\\w.<>,?\\[\\] ]+?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");

    /** Each property read, with the environment variable names that set it. */
    private final Map<String, Pattern> properties;
    private final Map<String, String> values;

    private ServiceConfiguration(Set<String> properties, Map<String, String> values) {
        this.values = Map.copyOf(values);
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        for (String property : properties) {
            // A map member's keys are any name: "prefix.*.rest".
            String[] parts = property.split("\\*", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    regex.append("[A-Z0-9_]+");
                }
                regex.append(Pattern.quote(environmentName(parts[i])));
            }
            patterns.put(property, Pattern.compile(regex.toString()));
        }
        this.properties = patterns;
    }

    /** The properties a service (user-service, ..., group-gateway) reads, from its sources and common's. */
    static ServiceConfiguration of(String service) {
        Path root = Repository.ROOT;
        List<String> propertyFiles = new ArrayList<>();
        for (Path file : List.of(root.resolve(service).resolve("src/main/resources/application.properties"),
                root.resolve("common/src/main/resources/META-INF/microprofile-config.properties"))) {
            if (Files.isRegularFile(file)) {
                propertyFiles.add(read(file));
            }
        }
        List<String> sources = new ArrayList<>();
        for (Path dir : List.of(root.resolve(service).resolve("src/main/java"), root.resolve("common/src/main/java"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> sources.add(read(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (sources.isEmpty()) {
            throw new IllegalStateException("no Java sources for " + service);
        }
        return parse(propertyFiles, sources);
    }

    /** From the text of properties files and Java sources. */
    static ServiceConfiguration parse(List<String> propertyFiles, List<String> javaSources) {
        Set<String> properties = new TreeSet<>(QUARKUS_OWN);
        Map<String, String> values = new LinkedHashMap<>();
        for (String file : propertyFiles) {
            for (String line : file.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                    continue;
                }
                int separator = trimmed.indexOf('=');
                String key = (separator < 0 ? trimmed : trimmed.substring(0, separator)).strip();
                String value = separator < 0 ? "" : trimmed.substring(separator + 1).strip();
                boolean profiled = key.startsWith("%");
                if (profiled) {
                    key = key.substring(key.indexOf('.') + 1);
                }
                key = key.replace("\"", "");
                properties.add(key);
                if (!profiled) {
                    values.putIfAbsent(key, value);
                }
                Matcher expression = EXPRESSION.matcher(value);
                while (expression.find()) {
                    properties.add(expression.group(1).strip());
                }
            }
        }
        Map<String, Interface> interfaces = interfaces(javaSources);
        for (String source : javaSources) {
            Matcher mapping = CONFIG_MAPPING.matcher(source);
            if (mapping.find()) {
                Matcher declared = INTERFACE.matcher(source.substring(mapping.end()));
                if (declared.find()) {
                    mappingProperties(mapping.group(1), interfaces.get(declared.group(1)), interfaces, properties, new ArrayDeque<>());
                }
            }
            Matcher property = CONFIG_PROPERTY.matcher(source);
            while (property.find()) {
                properties.add(property.group(1));
            }
            if (CONFIG_API_CALL.matcher(source).find()) {
                Matcher literal = PROPERTY_LITERAL.matcher(source);
                while (literal.find()) {
                    properties.add(literal.group(1));
                }
            }
        }
        return new ServiceConfiguration(properties, values);
    }

    /** A config mapping interface: its members (property name to return type) and what it extends. */
    private record Interface(Map<String, String> members, List<String> parents) {
    }

    /** Every interface declared in the sources, nested ones too, by simple name. */
    private static Map<String, Interface> interfaces(List<String> sources) {
        Map<String, Interface> interfaces = new LinkedHashMap<>();
        for (String source : sources) {
            // Braces decide which interface a member line belongs to.
            Deque<Map.Entry<String, Integer>> open = new ArrayDeque<>();
            int depth = 0;
            String pendingName = null;
            for (String line : source.split("\n")) {
                String code = line.replaceAll("//.*", "");
                Matcher declared = INTERFACE.matcher(code);
                Matcher member = MEMBER.matcher(code);
                Matcher withName = WITH_NAME.matcher(code);
                if (withName.find()) {
                    pendingName = withName.group(1);
                }
                if (declared.find()) {
                    List<String> parents = declared.group(2) == null ? List.of()
                            : Stream.of(declared.group(2).replaceAll("<[^>]*>", "").split(","))
                                    .map(String::strip).map(p -> p.substring(p.lastIndexOf('.') + 1)).toList();
                    interfaces.put(declared.group(1), new Interface(new LinkedHashMap<>(), parents));
                    open.push(Map.entry(declared.group(1), depth + 1));
                } else if (member.find() && !open.isEmpty() && open.peek().getValue() == depth
                        && !member.group(1).matches(".*\\b(return|new|default|static)\\b.*")) {
                    String name = pendingName != null ? pendingName : kebab(member.group(2));
                    interfaces.get(open.peek().getKey()).members().put(name, member.group(1).strip());
                    pendingName = null;
                } else if (!code.isBlank() && !code.strip().startsWith("@") && !code.strip().startsWith("*")
                        && !code.strip().startsWith("/*")) {
                    pendingName = null;
                }
                for (char c : code.toCharArray()) {
                    if (c == '{') {
                        depth++;
                    } else if (c == '}') {
                        depth--;
                        while (!open.isEmpty() && open.peek().getValue() > depth) {
                            open.pop();
                        }
                    }
                }
            }
        }
        return interfaces;
    }

    private static void mappingProperties(String prefix, Interface mapping, Map<String, Interface> interfaces,
            Set<String> properties, Deque<Interface> path) {
        if (mapping == null || path.contains(mapping)) {
            return;
        }
        path.push(mapping);
        for (String parent : mapping.parents()) {
            mappingProperties(prefix, interfaces.get(parent), interfaces, properties, path);
        }
        mapping.members().forEach((name, type) -> {
            String property = prefix + "." + name;
            String element = type;
            Matcher generic = Pattern.compile("^(?:java\\.util\\.)?(Optional|List|Set|Map)\\s*<(.*)>$").matcher(type);
            if (generic.matches()) {
                element = generic.group(2);
                if (generic.group(1).equals("Map")) {
                    property += ".*";
                    element = element.substring(element.indexOf(',') + 1);
                }
            }
            element = element.strip();
            Interface nested = interfaces.get(element.substring(element.lastIndexOf('.') + 1));
            if (nested != null) {
                mappingProperties(property, nested, interfaces, properties, path);
            } else {
                properties.add(property);
            }
        });
        path.pop();
    }

    /** maxBatch to max-batch, as SmallRye names a config mapping's members. */
    static String kebab(String member) {
        return member.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /** The environment variable SmallRye Config looks up for a property. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    /** The property a variable of this name sets in the service, if it reads one. */
    Optional<String> property(String variable) {
        return properties.entrySet().stream()
                .filter(p -> p.getValue().matcher(variable).matches())
                .map(Map.Entry::getKey)
                .findFirst();
    }

    boolean reads(String variable) {
        return property(variable).isPresent();
    }

    /** The value application.properties gives a property (no profile), if any. */
    Optional<String> value(String property) {
        return Optional.ofNullable(values.get(property));
    }

    Set<String> properties() {
        return properties.keySet();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
