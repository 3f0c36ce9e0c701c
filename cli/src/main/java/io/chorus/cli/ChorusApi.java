package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

/** The public HTTP API of the three services, as the CLI uses it. Errors become ChorusExceptions. */
final class ChorusApi {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    // Posting waits for the group commit, which is quick; 30 s only guards against a wedged server.
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** A history page: before/after are message ids, null when not given. */
    record Page(Integer limit, Long before, Long after) {
    }

    private final HttpClient http;
    private final Endpoints endpoints;
    private final ObjectMapper json;
    private final Supplier<String> token;

    ChorusApi(Endpoints endpoints, ObjectMapper json, Supplier<String> token) {
        // HTTP/1.1: on plain http the default would try an h2c upgrade first, which buys nothing for
        // one call or one long-lived stream and adds a negotiation that proxies handle unevenly.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
        this.endpoints = endpoints;
        this.json = json;
        this.token = token;
    }

    JsonNode register(String name, String password) {
        return call("user-service", endpoints.users(), "POST", "/api/users", nameAndPassword(name, password), false);
    }

    JsonNode login(String name, String password) {
        return call("user-service", endpoints.users(), "POST", "/api/auth/token", nameAndPassword(name, password), false);
    }

    JsonNode me() {
        return call("user-service", endpoints.users(), "GET", "/api/me", null, true);
    }

    JsonNode user(String name) {
        return call("user-service", endpoints.users(), "GET", "/api/users/" + segment(name), null, true);
    }

    JsonNode sendDirect(String peer, String text) {
        return call("dm-service", endpoints.dms(), "POST", "/api/dms/" + segment(peer) + "/messages", text(text), true);
    }

    JsonNode directHistory(String peer, Page page) {
        return call("dm-service", endpoints.dms(), "GET", "/api/dms/" + segment(peer) + "/messages" + query(page), null, true);
    }

    JsonNode conversations(int limit) {
        return call("dm-service", endpoints.dms(), "GET", "/api/dms?limit=" + limit, null, true);
    }

    JsonNode post(String group, String text) {
        return gateway("POST", "/api/groups/" + segment(group) + "/messages", text(text));
    }

    JsonNode groupHistory(String group, Page page) {
        return gateway("GET", "/api/groups/" + segment(group) + "/messages" + query(page), null);
    }

    /** One page of the group list: all groups or the caller's, after the named group, at most limit (server default when null). */
    JsonNode groups(boolean mine, String after, Integer limit) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        if (mine) {
            query.add("member=me");
        }
        if (after != null) {
            query.add("after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        if (limit != null) {
            query.add("limit=" + limit);
        }
        return gateway("GET", "/api/groups" + query, null);
    }

    JsonNode group(String group) {
        return gateway("GET", "/api/groups/" + segment(group), null);
    }

    JsonNode createGroup(String group) {
        return gateway("POST", "/api/groups", json.createObjectNode().put("name", group));
    }

    JsonNode join(String group) {
        return gateway("PUT", "/api/groups/" + segment(group) + "/members/me", null);
    }

    void leave(String group) {
        gateway("DELETE", "/api/groups/" + segment(group) + "/members/me", null);
    }

    /** A conversation, named as the CLI's commands name it: kind, then group or peer. */
    private static String conversation(Conversation.Kind kind, String name) {
        return (kind == Conversation.Kind.GROUP ? "/api/groups/" : "/api/dms/") + segment(name);
    }

    private static String messages(Conversation.Kind kind, String name) {
        return conversation(kind, name) + "/messages";
    }

    private JsonNode callFor(Conversation.Kind kind, String method, String path, JsonNode body) {
        return kind == Conversation.Kind.GROUP ? gateway(method, path, body)
                : call("dm-service", endpoints.dms(), method, path, body, true);
    }

    JsonNode edit(Conversation.Kind kind, String name, long id, String text) {
        return callFor(kind, "PATCH", messages(kind, name) + "/" + id, text(text));
    }

    void delete(Conversation.Kind kind, String name, long id) {
        callFor(kind, "DELETE", messages(kind, name) + "/" + id, null);
    }

    /** Moves the read marker; {@code upTo} past the newest message is taken as the newest. */
    void markRead(Conversation.Kind kind, String name, long upTo) {
        callFor(kind, "PUT", conversation(kind, name) + "/read", json.createObjectNode().put("upTo", upTo));
    }

    JsonNode search(Conversation.Kind kind, String name, String words, Page page) {
        String query = query(page);
        return callFor(kind, "GET", messages(kind, name) + (query.isEmpty() ? "?" : query + "&") + "q="
                + URLEncoder.encode(words, StandardCharsets.UTF_8), null);
    }

    JsonNode presence(String group) {
        return gateway("GET", "/api/groups/" + segment(group) + "/presence", null);
    }

    /** Opens a live stream on the gateway (path like /api/events), resuming after lastEventId if given. */
    EventStream.Connection openStream(String path, String lastEventId) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoints.gateway().resolve(path))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token.get())
                .GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable("group-gateway", endpoints.gateway(), e);
        }
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                throw refusal(response.statusCode(), body.readAllBytes());
            } catch (IOException e) {
                throw unreachable("group-gateway", endpoints.gateway(), e);
            }
        }
        return new StreamConnection(response.body());
    }

    private JsonNode gateway(String method, String path, JsonNode body) {
        return call("group-gateway", endpoints.gateway(), method, path, body, true);
    }

    private JsonNode call(String service, URI base, String method, String path, JsonNode body, boolean authenticated) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (authenticated) {
            request.header("Authorization", "Bearer " + token.get());
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(service, base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(service, base, e);
        }
        if (response.statusCode() >= 400) {
            throw refusal(response.statusCode(), response.body());
        }
        if (response.body().length == 0) {
            return NullNode.getInstance();
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw ChorusException.refused(response.statusCode(), service + " answered with something other than JSON");
        }
    }

    /** The RFC 9457 detail if the body is problem+json, else whatever text there is, else the status. */
    ChorusException refusal(int status, byte[] body) {
        String detail = null;
        try {
            JsonNode problem = json.readTree(body);
            if (problem != null) {
                detail = problem.path("detail").asText(null);
                if (detail == null) {
                    detail = problem.path("title").asText(null);
                }
            }
        } catch (IOException | RuntimeException e) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            detail = text.isEmpty() || text.length() > 300 ? null : text;
        }
        return ChorusException.refused(status, detail == null || detail.isBlank() ? "HTTP " + status : detail);
    }

    private static ChorusException unreachable(String service, URI base, Exception cause) {
        String why = cause instanceof java.net.ConnectException ? "connection refused"
                : cause instanceof java.net.http.HttpTimeoutException ? "timed out"
                : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return ChorusException.unreachable("cannot reach " + service + " at " + base + " (" + why + ")", cause);
    }

    private ObjectNode nameAndPassword(String name, String password) {
        return json.createObjectNode().put("name", name).put("password", password);
    }

    private ObjectNode text(String text) {
        return json.createObjectNode().put("text", text);
    }

    private byte[] bytes(JsonNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String segment(String value) {
        // URLEncoder is for forms; in a path a space is %20, not +.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String query(Page page) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (page.limit() != null) {
            parameters.put("limit", page.limit());
        }
        if (page.before() != null) {
            parameters.put("before", page.before());
        }
        if (page.after() != null) {
            parameters.put("after", page.after());
        }
        if (parameters.isEmpty()) {
            return "";
        }
        StringJoiner query = new StringJoiner("&", "?", "");
        parameters.forEach((key, value) -> query.add(key + "=" + value));
        return query.toString();
    }
}
