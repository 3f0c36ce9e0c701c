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
    private static final List<String> GROUPS = java.util.stream.IntStream.range(0, 120)
            .mapToObj(i -> String.format("g%03d", i)).toList();

    private final List<String> passwords = new CopyOnWriteArrayList<>();
    private final List<String> groupQueries = new CopyOnWriteArrayList<>();
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
        server.createContext("/api/groups", this::groupPage);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    /** 120 groups, paged as the gateway pages them: by name after {@code after}, 50 unless {@code limit} says. */
    private void groupPage(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        groupQueries.add(query == null ? "" : query);
        Map<String, String> parameters = new java.util.HashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            String[] parts = pair.split("=", 2);
            parameters.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        int limit = Integer.parseInt(parameters.getOrDefault("limit", "50"));
        String after = parameters.getOrDefault("after", "");
        List<String> page = GROUPS.stream().filter(name -> name.compareTo(after) > 0).limit(limit + 1).toList();
        boolean more = page.size() > limit;
        page = more ? page.subList(0, limit) : page;
        com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode();
        page.forEach(name -> body.withArray("groups").addObject().put("name", name).put("memberCount", 2)
                .put("unread", parameters.containsKey("member") ? 3 : 0));
        body.withArray("groups");
        if (more) {
            body.put("next", page.getLast());
        }
        respond(exchange, 200, "application/json", body.toString());
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private Result run(String stdin, String... args) {
        Chorus chorus = new Chorus(Map.of("XDG_CONFIG_HOME", config.toString(), "CHORUS_USERS_URL", url, "CHORUS_GATEWAY_URL", url),
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
    void groupsFollowsEveryPageToListAllGroupsInOrder() throws Exception {
        assertEquals(0, run("pw-of-alice\n", "login", "alice", "--password-stdin").exitCode());
        Result all = run("", "groups");
        assertEquals(0, all.exitCode(), all.err());
        assertEquals(GROUPS.stream().map(name -> name + "  (2 members)").toList(), all.out().lines().toList());
        assertEquals(List.of("", "after=g049", "after=g099"), groupQueries, "one request per page, each after the last");

        groupQueries.clear();
        Result json = run("", "groups", "--mine", "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode whole = JSON.readTree(json.out());
        assertEquals(120, whole.path("groups").size(), "--json gathers the pages into one list");
        assertEquals(3, whole.path("groups").get(119).path("unread").asInt());
        assertEquals(List.of("member=me", "member=me&after=g049", "member=me&after=g099"), groupQueries);
    }

    @Test
    void groupsWithAfterOrLimitPrintsOnePageAndHowToAskForTheNext() throws Exception {
        assertEquals(0, run("pw-of-alice\n", "login", "alice", "--password-stdin").exitCode());
        Result page = run("", "groups", "--mine", "--after", "g010", "--limit", "2");
        assertEquals(0, page.exitCode(), page.err());
        assertEquals("g011  (2 members)  3 unread\ng012  (2 members)  3 unread\n", page.out());
        assertEquals("more: chorus groups --mine --after g012 --limit 2\n", page.err());
        assertEquals(List.of("member=me&after=g010&limit=2"), groupQueries);

        Result last = run("", "groups", "--after", "g117");
        assertEquals("g118  (2 members)\ng119  (2 members)\n", last.out());
        assertEquals("", last.err(), "the last page names no next");
        Result json = run("", "groups", "--limit", "1", "--json");
        assertEquals("g000", JSON.readTree(json.out()).path("next").asText(), "--json prints the page as the server sent it");
        assertEquals(2, run("", "groups", "--limit", "0").exitCode());
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
