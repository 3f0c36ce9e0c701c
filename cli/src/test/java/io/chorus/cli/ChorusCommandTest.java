package io.chorus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command as a script sees it: arguments in, exit code and output out, against a stand-in user-service. */
class ChorusCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path config;

    private HttpServer server;
    private final List<String> passwords = new CopyOnWriteArrayList<>();
    private String url;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/users", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            passwords.add(body.path("password").asText());
            String name = body.path("name").asText();
            if (name.equals("taken")) {
                respond(exchange, 409, "application/problem+json",
                        "{\"status\":409,\"title\":\"Conflict\",\"detail\":\"the name taken is already taken\"}");
            } else {
                respond(exchange, 201, "application/json", "{\"name\":\"" + name + "\",\"createdAt\":\"2026-01-01T00:00:00Z\"}");
            }
        });
        server.createContext("/api/auth/token", exchange -> {
            String name = JSON.readTree(exchange.getRequestBody()).path("name").asText();
            respond(exchange, 200, "application/json",
                    "{\"accessToken\":\"token-of-" + name + "\",\"tokenType\":\"Bearer\",\"expiresIn\":3600}");
        });
        server.createContext("/api/me", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if ("Bearer token-of-alice".equals(authorization)) {
                respond(exchange, 200, "application/json", "{\"name\":\"alice\"}");
            } else {
                respond(exchange, 401, "application/problem+json", "{\"status\":401,\"detail\":\"bad token\"}");
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private Result run(String stdin, String... args) {
        Chorus chorus = new Chorus(Map.of("XDG_CONFIG_HOME", config.toString(), "CHORUS_USERS_URL", url),
                "/nonexistent", new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        CommandLine commandLine = Chorus.commandLine(chorus);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void registersWithThePasswordFromStdinAndPrintsJson() throws Exception {
        Result result = run("secret-password\nignored\n", "register", "alice", "--password-stdin", "--json");
        assertEquals(0, result.exitCode(), result.err());
        assertEquals("alice", JSON.readTree(result.out()).path("name").asText());
        assertEquals(List.of("secret-password"), passwords);
    }

    @Test
    void printsTheProblemDetailAndExitsWithOneWhenRefused() {
        Result result = run("secret-password\n", "register", "taken", "--password-stdin");
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("the name taken is already taken"), result.err());
        assertEquals("", result.out());
    }

    @Test
    void loginKeepsTheTokenForLaterCommandsUntilLogout() throws Exception {
        assertEquals(0, run("pw-of-alice\n", "login", "alice", "--password-stdin").exitCode());
        Path credentials = config.resolve("chorus/credentials.json");
        assertTrue(Files.exists(credentials));
        assertEquals("token-of-alice", JSON.readTree(credentials.toFile()).path("accessToken").asText());

        Result whoami = run("", "whoami", "--json");
        assertEquals(0, whoami.exitCode(), whoami.err());
        assertEquals("alice", JSON.readTree(whoami.out()).path("name").asText());
        assertEquals("alice\n", run("", "whoami").out());

        assertEquals(0, run("", "logout").exitCode());
        Result after = run("", "whoami");
        assertEquals(1, after.exitCode());
        assertTrue(after.err().contains("not logged in"), after.err());
    }

    @Test
    void exitsWithThreeWhenAServiceCannotBeReached() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Result result = run("pw\n", "--users", "http://127.0.0.1:" + closed, "register", "alice", "--password-stdin");
        assertEquals(3, result.exitCode());
        assertTrue(result.err().contains("cannot reach user-service"), result.err());
    }

    @Test
    void exitsWithTwoOnUsageErrors() {
        assertEquals(2, run("", "send", "bob").exitCode());
        assertEquals(2, run("", "frobnicate").exitCode());
        assertEquals(2, run("", "history", "group", "garden", "--limit", "0").exitCode());
        assertEquals(2, run("", "history", "group", "garden", "--limit", "many").exitCode());
        assertEquals(2, run("", "groups", "--gateway", "localhost:8080").exitCode());
        assertEquals(2, run("", "register", "alice", "--password-stdin").exitCode());
    }
}
