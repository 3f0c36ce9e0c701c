package io.chorus.cli;

import java.net.URI;
import java.util.Map;

/**
 * Where the three public services are. An option wins over the environment, which wins over
 * the ports bin/run uses, so a script can export the URLs once and a person can override one.
 */
record Endpoints(URI gateway, URI users, URI dms) {

    static final String GATEWAY_ENV = "CHORUS_GATEWAY_URL";
    static final String USERS_ENV = "CHORUS_USERS_URL";
    static final String DMS_ENV = "CHORUS_DMS_URL";

    static Endpoints resolve(String gatewayOption, String usersOption, String dmsOption, Map<String, String> env) {
        return new Endpoints(
                pick("--gateway", gatewayOption, env.get(GATEWAY_ENV), "http://localhost:8080"),
                pick("--users", usersOption, env.get(USERS_ENV), "http://localhost:8081"),
                pick("--dms", dmsOption, env.get(DMS_ENV), "http://localhost:8082"));
    }

    private static URI pick(String option, String fromOption, String fromEnv, String fallback) {
        String raw = notBlank(fromOption) ? fromOption : notBlank(fromEnv) ? fromEnv : fallback;
        raw = raw.strip();
        // Paths are appended to the base ("/api/..."), so a trailing slash would double up.
        while (raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(raw);
        } catch (IllegalArgumentException e) {
            throw ChorusException.usage(option + ": not a URL: " + raw);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw ChorusException.usage(option + ": expected an http:// or https:// URL, got " + raw);
        }
        return uri;
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }
}
