package io.chorus.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chorus.testing.InternalCalls;
import io.chorus.testing.ServiceSecrets;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for history-service and dm-service at the HTTP boundary in the gateway's own tests:
 * a group log in memory that takes joins and leaves (as the real one does, with the member from
 * the forwarded token) and serves them to the gateway's follower, and an empty DM log. Messages
 * themselves are tested end to end against the real services.
 */
public class FakeLogsResource implements QuarkusTestResourceLifecycleManager {

    private static final Pattern MEMBERSHIP = Pattern.compile("/internal/groups/([^/]+)/members/me");

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<ObjectNode> groupLog = new ArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("quarkus.rest-client.history.url", url, "quarkus.rest-client.dms.url", url);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        // As the real services do: without the internal credential, nothing (so the gateway's tests
        // fail if it stops presenting it).
        if (!ServiceSecrets.shared().internalCredential().equals(exchange.getRequestHeaders().getFirst(InternalCalls.HEADER))) {
            respond(exchange, 401, mapper.createObjectNode().put("status", 401).put("title", "Unauthorized"));
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Matcher membership = MEMBERSHIP.matcher(path);
        if (membership.matches()) {
            String member = caller(exchange.getRequestHeaders().getFirst("Authorization"));
            ObjectNode entry = mapper.createObjectNode()
                    .put("id", groupLog.size() + 1)
                    .put("kind", exchange.getRequestMethod().equals("PUT") ? "member-joined" : "member-left")
                    .put("group", URLDecoder.decode(membership.group(1), StandardCharsets.UTF_8))
                    .put("sender", member)
                    .put("text", "")
                    .put("sentAt", Instant.now().toString());
            groupLog.add(entry);
            respond(exchange, 201, entry);
        } else if (path.equals("/internal/unread")) {
            unread(exchange);
        } else if (path.equals("/internal/messages/head")) {
            respond(exchange, 200, mapper.createObjectNode().put("position", groupLog.size()));
        } else if (path.equals("/internal/messages")) {
            long after = Long.parseLong(query.getOrDefault("after", "0"));
            ArrayNode entries = mapper.createArrayNode();
            groupLog.stream().filter(entry -> entry.get("id").asLong() > after).forEach(entries::add);
            respond(exchange, 200, mapper.createObjectNode().set("entries", entries));
        } else if (path.equals("/internal/dms/head")) {
            respond(exchange, 200, mapper.createObjectNode().put("position", 0));
        } else if (path.startsWith("/internal/dms")) {
            respond(exchange, 200, mapper.createObjectNode().set("entries", mapper.createArrayNode()));
        } else {
            respond(exchange, 404, mapper.createObjectNode().put("status", 404));
        }
    }

    /**
     * Unread counts that show how they were asked for: each group's {@code unread} is the number
     * of groups in the request (a list page asking group by group would see 1 everywhere), and
     * {@code lastRead} is 7. A request naming a group whose name starts with "uncounted" fails
     * as an unreachable history-service would.
     */
    private void unread(HttpExchange exchange) throws IOException {
        List<String> asked = new ArrayList<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            if (pair.startsWith("group=")) {
                asked.add(URLDecoder.decode(pair.substring("group=".length()), StandardCharsets.UTF_8));
            }
        }
        if (asked.stream().anyMatch(group -> group.toLowerCase().startsWith("uncounted"))) {
            respond(exchange, 503, mapper.createObjectNode().put("status", 503).put("title", "Service Unavailable"));
            return;
        }
        ArrayNode groups = mapper.createArrayNode();
        asked.forEach(group -> groups.addObject().put("groupKey", group.toLowerCase()).put("unread", asked.size())
                .put("lastRead", 7));
        respond(exchange, 200, mapper.createObjectNode().set("groups", groups));
    }

    private String caller(String authorization) throws IOException {
        String token = authorization.substring("Bearer ".length());
        JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        return claims.get("upn").asText();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> parameters = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] parts = pair.split("=", 2);
                parameters.put(parts[0], parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        return parameters;
    }

    private void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
