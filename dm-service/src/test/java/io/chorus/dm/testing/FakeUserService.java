package io.chorus.dm.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for user-service at the HTTP boundary: {@code GET /api/users/{name}} answers 200
 * {"name","createdAt"} for registered names (ignoring case, answering the registered case) and
 * 404 otherwise. It counts lookups per name so tests can see what dm-service cached. Names
 * starting with "broken-" get a 500; "gone-" names get the connection closed without an answer.
 */
public final class FakeUserService implements AutoCloseable {

    /** What one lookup carried. */
    public record Lookup(String name, String authorization) {
    }

    private final Map<String, String> registered = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    private final List<Lookup> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    public FakeUserService() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake user-service", e);
        }
        server.createContext("/api/users/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers a user and returns the name as given, its canonical case. */
    public String register(String name) {
        registered.put(name.toLowerCase(Locale.ROOT), name);
        return name;
    }

    /** How many times dm-service asked about this name, in any case. */
    public int lookups(String name) {
        AtomicInteger count = lookups.get(name.toLowerCase(Locale.ROOT));
        return count == null ? 0 : count.get();
    }

    public List<Lookup> seen() {
        return List.copyOf(seen);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = exchange.getRequestURI().getRawPath().substring("/api/users/".length());
            String name = URLDecoder.decode(raw, StandardCharsets.UTF_8);
            String key = name.toLowerCase(Locale.ROOT);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(new Lookup(name, authorization));
            lookups.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "{}");
            } else if (authorization == null || !authorization.startsWith("Bearer ")) {
                respond(exchange, 401, "{\"status\":401}");
            } else if (key.startsWith("gone-")) {
                // Closing without a status line looks like a crashed or unreachable service.
                return;
            } else if (key.startsWith("broken-")) {
                respond(exchange, 500, "{\"status\":500}");
            } else if (registered.containsKey(key)) {
                respond(exchange, 200, "{\"name\":\"" + registered.get(key) + "\",\"createdAt\":\"2024-01-01T00:00:00Z\"}");
            } else {
                respond(exchange, 404, "{\"status\":404}");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
