package io.chorus.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.testing.InternalCalls;
import io.chorus.testing.LocalPostgres;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated hostile-input suite against the running services: malformed and truncated JSON,
 * wrong types, huge and empty strings, control characters and NUL, Unicode edge cases, injection
 * strings, path tricks, invalid cursors and Last-Event-IDs, duplicate and oversized headers,
 * bodies from 0 bytes to 10 MB, declared and chunked, on every endpoint. Every answer must be a
 * success or a 4xx problem document (never a 5xx, never a dropped connection), and a refused
 * request must leave the stored data as it was (a fingerprint of every service's tables, taken
 * before and after each request). The generator is seeded: a failure names its seed and case.
 * The per-user rate limits are off here (CHORUS_LIMITS=off) so that inputs reach validation and
 * storage instead of a 429; the limits have their own suite (LimitsIT). It speaks HTTP/1.1, as a
 * reverse proxy does to the services (the other suites' clients upgrade to HTTP/2 where they can).
 */
class HostileInputIT {

    private static final int CASES = Integer.getInteger("hostile.cases", 10_500);
    private static final long SEED = Long.getLong("hostile.seed", 20261202L);
    private static final int MIB = 1024 * 1024;

    private static ChorusCluster cluster;
    private static Api api;
    private static final List<Connection> databases = new ArrayList<>();

    private final Random random = new Random(SEED);
    /** Draws the group list's paging parameters apart, so adding them left every other case as it was. */
    private final Random paging = new Random(SEED + 1);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String alice;
    private String aliceToken;
    private String bob;
    private String group;
    private long messageId;
    private long dmId;

    @BeforeAll
    static void start() throws SQLException {
        cluster = ChorusCluster.start(1, ChorusCluster.PER_USER_LIMITS_OFF);
        api = new Api(cluster);
        for (String service : ChorusCluster.SERVICES) {
            databases.add(DriverManager.getConnection(LocalPostgres.jdbcUrl(cluster.database(service)),
                    LocalPostgres.user(), LocalPostgres.password()));
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        for (Connection connection : databases) {
            connection.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One request: where, how, and a body (null for none; chunked when sent without a length). */
    record Case(String endpoint, String service, String method, String path, List<String[]> headers,
                Supplier<byte[]> body, boolean chunked, String what) {
    }

    @Test
    void everyAnswerIsASuccessOrA4xxProblemAndRefusalsChangeNothing() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("hostile");
        alice = duo.aliceName();
        aliceToken = duo.alice();
        bob = duo.bobName();
        group = duo.group();
        messageId = api.post(aliceToken, group, "hello").getLong("id");
        dmId = api.sendDm(aliceToken, bob, "hello bob").getLong("id");

        Map<String, Integer> perEndpoint = new TreeMap<>();
        Map<Integer, Integer> perStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        String before = fingerprint();
        for (int n = 0; n < CASES && failures.size() < 20; n++) {
            Case hostile = generate(n);
            perEndpoint.merge(hostile.endpoint(), 1, Integer::sum);
            long started = System.nanoTime();
            Answer answer = send(hostile);
            if (Duration.ofNanos(System.nanoTime() - started).toSeconds() >= 5) {
                System.out.printf("hostile input: case %d took %d ms: %s %s [%s] -> %d%n", n,
                        Duration.ofNanos(System.nanoTime() - started).toMillis(), hostile.method(),
                        abbreviate(hostile.path()), hostile.what(), answer.status());
            }
            if (n % 1000 == 999) {
                System.out.printf("hostile input: %d cases so far, %s%n", n + 1, perStatus);
            }
            perStatus.merge(answer.status(), 1, Integer::sum);
            String after = fingerprint();
            String problem = judge(answer, !after.equals(before), hostile);
            if (problem != null) {
                byte[] sentBody = hostile.body() == null ? new byte[0] : hostile.body().get();
                failures.add("case " + n + " (seed " + SEED + ") " + hostile.method() + " " + hostile.service()
                        + " " + abbreviate(hostile.path()) + " [" + hostile.what() + "] headers "
                        + hostile.headers().stream().filter(h -> !h[0].equals("Authorization") && !h[0].startsWith("X-"))
                                .map(h -> h[0] + ": " + abbreviate(h[1])).toList()
                        + " body " + abbreviate(new String(sentBody, StandardCharsets.UTF_8)) + ": " + problem);
            }
            before = after;
        }
        System.out.printf("hostile input: %d cases (seed %d); by endpoint %s; by status %s%n",
                perEndpoint.values().stream().mapToInt(Integer::intValue).sum(), SEED, perEndpoint, perStatus);
        assertEquals(List.of(), failures);
        assertTrue(perEndpoint.values().stream().mapToInt(Integer::intValue).sum() >= 10_000 || CASES < 10_000);
    }

    record Answer(int status, String contentType, String body, String dropped) {
    }

    private Answer send(Case hostile) {
        byte[] body = hostile.body() == null ? null : hostile.body().get();
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : hostile.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.url(hostile.service()) + hostile.path()))
                .timeout(Duration.ofSeconds(10)).method(hostile.method(), publisher);
        for (String[] header : hostile.headers()) {
            request.header(header[0], header[1]);
        }
        try {
            HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("");
            try (java.io.InputStream stream = response.body()) {
                // A live stream that opened is a success; its status and type are the answer.
                String text = type.startsWith("text/event-stream") ? "" : new String(stream.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                return new Answer(response.statusCode(), type, text, null);
            }
        } catch (IOException e) {
            return new Answer(-1, "", "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Null when the answer is acceptable, else what is wrong with it. */
    private static String judge(Answer answer, boolean changed, Case hostile) {
        if (answer.dropped() != null) {
            return "the connection dropped: " + answer.dropped();
        }
        if (answer.status() >= 500) {
            return "a " + answer.status() + ": " + abbreviate(answer.body());
        }
        if (answer.status() >= 400) {
            if (!answer.contentType().startsWith("application/problem+json")) {
                return "a " + answer.status() + " without a problem document (" + answer.contentType() + "): " + abbreviate(answer.body());
            }
            try {
                if (JsonPath.from(answer.body()).getInt("status") != answer.status()) {
                    return "a problem document with the wrong status: " + abbreviate(answer.body());
                }
            } catch (RuntimeException e) {
                return "an unreadable problem document: " + abbreviate(answer.body());
            }
            if (changed) {
                return "refused with " + answer.status() + " but the stored data changed";
            }
        } else if (answer.status() < 200 || answer.status() >= 300) {
            return "an unexpected " + answer.status();
        } else if (changed && hostile.method().equals("GET")) {
            return "a read changed the stored data";
        }
        return null;
    }

    /** Counts of every table a refused request could touch, one string for comparing. */
    private static String fingerprint() throws SQLException {
        String[] queries = {
            // Not the presence tables: every replica rewrites its heartbeat there every 2 s.
            "SELECT (SELECT count(*) FROM groups) || '/' || (SELECT count(*) FROM memberships)",
            // Texts, tombstones and markers too: a refused edit, delete or read must change none of them.
            "SELECT (SELECT count(*) FROM messages) || '/' || (SELECT last_position FROM log_head) || '/' || "
                    + "(SELECT md5(coalesce(string_agg(id || ':' || text || ':' || deleted, ',' ORDER BY id), '')) FROM messages)"
                    + " || '/' || (SELECT md5(coalesce(string_agg(group_key || member_key || coalesce(last_read, -1), ','"
                    + " ORDER BY group_key, member_key), '')) FROM read_markers)",
            "SELECT count(*) || '' FROM users",
            "SELECT (SELECT count(*) FROM direct_messages) || '/' || (SELECT count(*) FROM conversations) || '/' || "
                    + "(SELECT md5(coalesce(string_agg(id || ':' || text || ':' || deleted, ',' ORDER BY id), '')) FROM direct_messages)"
                    + " || '/' || (SELECT md5(coalesce(string_agg(owner_key || peer_key || coalesce(last_read, -1), ','"
                    + " ORDER BY owner_key, peer_key), '')) FROM conversations)",
        };
        StringBuilder fingerprint = new StringBuilder();
        for (int i = 0; i < queries.length; i++) {
            try (Statement statement = databases.get(i).createStatement(); ResultSet row = statement.executeQuery(queries[i])) {
                row.next();
                fingerprint.append(row.getString(1)).append(';');
            }
        }
        return fingerprint.toString();
    }

    // ---------------------------------------------------------------- the generator

    private static final String[] STRINGS = {
        "", " ", "a", "valid-name", "Ann.O_Nym-1", "x".repeat(32), "x".repeat(33), "x".repeat(4096), "x".repeat(4097),
        "\u0000", "a\u0000b", "\u0001\u001b[31mred\u007f", "\r\n\r\nHTTP/1.1 200 OK", "\t", "e\u0301\u0301\u0301\u0301",
        "\u202Eevil\u202C", "\u05e9\u05dc\u05d5\u05dd", "\ud83d\ude00\ud83d\udc4d\ud83c\udffd\u200d", "\ufeffbom", "\uffff", "\u2028\u2029",
        "'; DROP TABLE users; --", "\" OR \"1\"=\"1", "1 OR 1=1", "{\"$gt\":\"\"}", "../../etc/passwd", "..", ".",
        "%2e%2e%2f", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "null", "true", "-1", "1e308", "\uff19", "\u0130",
        "\u00df", "\u01c5", "\ud83d\ude00".repeat(2048), "a/b", "a?b", "a#b", "a%b", "a b", "\\", "\"", "'", "`",
    };
    /**
     * Message texts at the length limit in several scripts (2, 3 and 4 bytes in UTF-8; an emoji is
     * two escapes in JSON), mixed, one character past it, and control characters: only for "text"
     * fields, since in a URL they would pass the 64 KiB request line.
     */
    private static final String[] TEXTS = {
        "\u00e9".repeat(4096), "\u20ac".repeat(4096), "\u5b57".repeat(4096), "\ud83d\ude00".repeat(4096),
        "\u00e9\u20ac\u5b57\ud83d\ude00".repeat(1024), "\u20ac".repeat(4097), "\ud83d\ude00".repeat(4097),
        "\u0001".repeat(4096), "a\u007fb", "tab\tlf\ncr\r",
    };
    private static final String[] JSON_VALUES = {"1", "-0", "1e999", "true", "false", "null", "[]", "{}", "[\"a\"]",
        "{\"text\":\"x\"}", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"a\\u0000b\"", "123456789012345678901234567890"};
    private static final String[] CURSORS = {"abc", "-1", "0", "1.5", "1e3", "99999999999999999999", "0x1F", "", " 1", "1;2",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "NaN", "%00", "1%00", "g:1", "1:2:3", "::",
        "0:0", "-1:-1", "1:99999999999999999999"};

    private Case generate(int n) {
        String[] endpoints = {"register", "login", "user", "directory", "me", "create-group", "groups", "group", "members",
            "join", "leave", "post", "edit", "delete-message", "read", "typing", "presence", "history", "group-events", "events", "send-dm", "edit-dm",
            "delete-dm", "read-dm", "dm-typing", "conversations", "dm-history", "internal-append", "internal-edit", "internal-read",
            "internal-unread", "internal-batch", "internal-log", "internal-dms", "internal-group-history"};
        String endpoint = endpoints[n % endpoints.length];
        String what = "";
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Authorization", "Bearer " + aliceToken});
        // Headers: sometimes a bad token, duplicated or oversized headers, odd types, junk.
        int headerKind = random.nextInt(14);
        switch (headerKind) {
            case 0 -> { headers.clear(); what += "no auth;"; }
            case 1 -> { headers.set(0, new String[] {"Authorization", ascii(pick(new String[] {"Bearer", "Bearer ", "Basic YTpi",
                "Bearer a.b.c", "Bearer " + aliceToken + "x", "bearer " + aliceToken, "Bearer " + "x".repeat(8000),
                "Bearer \u00e9\u00e9", "Bearer " + aliceToken.replace('.', '\u0000')}))}); what += "bad auth;"; }
            case 2 -> { headers.add(new String[] {"Authorization", "Bearer garbage"}); what += "two auth;"; }
            case 3 -> { headers.add(new String[] {"X-Junk", "j".repeat(random.nextInt(15_000) + 1000)}); what += "big header;"; }
            case 4 -> { for (int i = 0; i < 100; i++) {
                    headers.add(new String[] {"X-Many-" + i, "v" + i});
                } what += "many headers;"; }
            case 5 -> { headers.add(new String[] {"Accept", pick(new String[] {"text/xml", "*/*;q=0", "application/json;q=x", "?\u00ff".substring(0, 1)})}); what += "accept;"; }
            case 6 -> { headers.add(new String[] {"X-Forwarded-For", pick(STRINGS.length, i -> STRINGS[i].isEmpty() ? "1.2.3.4" : ascii(STRINGS[i]))}); what += "xff;"; }
            default -> { }
        }
        boolean internal = endpoint.startsWith("internal");
        if (internal && random.nextInt(5) > 0) {
            headers.add(new String[] {InternalCalls.HEADER, cluster.secrets().internalCredential()});
        }
        String name = pathSegment();
        String query = "";
        String method = "GET";
        String service;
        String path;
        Supplier<byte[]> body = null;
        switch (endpoint) {
            case "register" -> { service = "user-service"; method = "POST"; path = "/api/users"; body = jsonBody("name", "password"); }
            case "login" -> { service = "user-service"; method = "POST"; path = "/api/auth/token"; body = jsonBody("name", "password"); }
            case "user" -> { service = "user-service"; path = "/api/users/" + name; }
            case "directory" -> { service = "user-service"; path = "/api/users"; query = query("prefix", "after", "limit"); }
            case "me" -> { service = "user-service"; path = "/api/me"; query = query("x"); }
            case "create-group" -> { service = "group-gateway"; method = "POST"; path = "/api/groups"; body = jsonBody("name"); }
            case "groups" -> { service = "group-gateway"; path = "/api/groups"; query = pagingOf(query("member")); }
            case "group" -> { service = "group-gateway"; path = "/api/groups/" + groupOr(name); }
            case "members" -> { service = "group-gateway"; path = "/api/groups/" + groupOr(name) + "/members"; }
            case "join" -> { service = "group-gateway"; method = "PUT"; path = "/api/groups/" + groupOr(name) + "/members/me"; }
            case "leave" -> { service = "group-gateway"; method = "DELETE"; path = "/api/groups/" + name + "/members/me"; }
            case "post" -> { service = "group-gateway"; method = "POST"; path = "/api/groups/" + groupOr(name) + "/messages"; body = jsonBody("text", "clientId"); }
            case "edit" -> { service = "group-gateway"; method = "PATCH"; path = "/api/groups/" + groupOr(name) + "/messages/" + idOr(messageId); body = jsonBody("text"); }
            case "delete-message" -> { service = "group-gateway"; method = "DELETE"; path = "/api/groups/" + groupOr(name) + "/messages/" + idOr(messageId); }
            case "typing" -> { service = "group-gateway"; method = "POST"; path = "/api/groups/" + groupOr(name) + "/typing"; }
            case "presence" -> { service = "group-gateway"; path = "/api/groups/" + groupOr(name) + "/presence"; }
            case "read" -> { service = "group-gateway"; method = "PUT"; path = "/api/groups/" + groupOr(name) + "/read"; body = jsonBody("upTo"); }
            case "history" -> { service = "group-gateway"; path = "/api/groups/" + groupOr(name) + "/messages"; query = query("before", "after", "limit", "q"); }
            case "group-events" -> { service = "group-gateway"; path = "/api/groups/" + groupOr(name) + "/events"; query = query("lastEventId", "self", "access_token"); lastEventId(headers); }
            case "events" -> { service = "group-gateway"; path = "/api/events"; query = query("lastEventId", "self"); lastEventId(headers); }
            case "send-dm" -> { service = "dm-service"; method = "POST"; path = "/api/dms/" + peerOr(name) + "/messages"; body = jsonBody("text", "clientId"); }
            case "edit-dm" -> { service = "dm-service"; method = "PATCH"; path = "/api/dms/" + peerOr(name) + "/messages/" + idOr(dmId); body = jsonBody("text"); }
            case "delete-dm" -> { service = "dm-service"; method = "DELETE"; path = "/api/dms/" + peerOr(name) + "/messages/" + idOr(dmId); }
            case "dm-typing" -> { service = "dm-service"; method = "POST"; path = "/api/dms/" + peerOr(name) + "/typing"; }
            case "read-dm" -> { service = "dm-service"; method = "PUT"; path = "/api/dms/" + peerOr(name) + "/read"; body = jsonBody("upTo"); }
            case "conversations" -> { service = "dm-service"; path = "/api/dms"; query = query("before", "limit"); }
            case "dm-history" -> { service = "dm-service"; path = "/api/dms/" + peerOr(name) + "/messages"; query = query("before", "after", "limit", "q"); }
            case "internal-append" -> { service = "history-service"; method = "POST"; path = "/internal/groups/" + groupOr(name) + "/messages"; body = jsonBody("text", "clientId"); }
            case "internal-edit" -> { service = "history-service"; method = "PATCH"; path = "/internal/groups/" + groupOr(name) + "/messages/" + idOr(messageId); body = jsonBody("text"); }
            case "internal-read" -> { service = "history-service"; method = "PUT"; path = "/internal/groups/" + groupOr(name) + "/read"; body = jsonBody("upTo"); }
            case "internal-unread" -> { service = "history-service"; path = "/internal/unread"; query = query("group", "group"); }
            case "internal-batch" -> { service = "history-service"; method = "POST"; path = "/internal/group-messages";
                body = random.nextBoolean() ? jsonBody("posts")
                        : utf8("{\"posts\":[" + validObject("group", "sender", "text", "clientId") + "]}"); }
            case "internal-log" -> { service = "history-service"; path = "/internal/messages"; query = query("after", "limit", "group", "all", "membership"); }
            case "internal-dms" -> { service = "dm-service"; path = "/internal/dms"; query = query("after", "limit", "user", "all"); }
            default -> { service = "history-service"; path = "/internal/groups/" + groupOr(name) + "/messages"; query = query("before", "after", "limit", "q"); }
        }
        // Now and then the method itself is wrong, or a body comes where none belongs.
        int twist = random.nextInt(40);
        if (twist == 0) {
            method = pick(new String[] {"PATCH", "OPTIONS", "TRACE", "PUT", "DELETE", "POST"});
            what += "method " + method + ";";
        } else if (twist == 1 && body == null) {
            body = rawBody();
            what += "unexpected body;";
        }
        boolean chunked = body != null && random.nextBoolean();
        if (body != null) {
            headers.add(new String[] {"Content-Type", random.nextInt(6) == 0 ? pick(new String[] {"text/plain", "application/xml",
                "application/json; charset=latin1", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                "application/json, application/json", "*/*"}) : "application/json"});
        }
        return new Case(endpoint, service, method, path + query, headers, body, chunked, what + (chunked ? "chunked" : ""));
    }

    private Supplier<byte[]> jsonBody(String... fields) {
        int kind = random.nextInt(20);
        return switch (kind) {
            case 0 -> rawBody();
            case 1 -> utf8(pick(JSON_VALUES));
            case 2 -> utf8("{" + String.join(",", Arrays.stream(fields).map(f -> "\"" + f + "\":" + pick(JSON_VALUES)).toList()) + "}");
            case 3 -> {
                String valid = validObject(fields);
                yield utf8(valid.substring(0, random.nextInt(valid.length())));
            }
            case 4 -> utf8("[".repeat(5000) + "]".repeat(5000));
            case 5 -> utf8("{\"" + fields[0] + "\":\"a\",\"" + fields[0] + "\":\"b\"}");
            case 6 -> utf8(validObject(fields).replaceFirst("\\}$", ",\"extra\":" + pick(JSON_VALUES) + "}"));
            case 7 -> () -> {
                byte[] valid = validObject(fields).getBytes(StandardCharsets.UTF_8);
                byte[] broken = Arrays.copyOf(valid, valid.length + 2);
                System.arraycopy(new byte[] {(byte) 0xC3, (byte) 0x28}, 0, broken, valid.length - 2, 2);
                broken[broken.length - 2] = '"';
                broken[broken.length - 1] = '}';
                return broken;
            };
            case 8 -> sized(64 * 1024 + random.nextInt(3));
            case 9 -> sized(pick(new Integer[] {64 * 1024 - 200, 200 * 1024, MIB, 10 * MIB}));
            default -> utf8(validObject(fields));
        };
    }

    /** A JSON object of the fields with values from the string pool, properly escaped. */
    private String validObject(String... fields) {
        List<String> members = new ArrayList<>();
        for (String field : fields) {
            if (random.nextInt(8) == 0) {
                continue;
            }
            String value = field.equals("text") && random.nextInt(3) == 0 ? pick(TEXTS) : pickString();
            members.add("\"" + field + "\":\"" + escape(value) + "\"");
        }
        return "{" + String.join(",", members) + "}";
    }

    /** A syntactically valid JSON document of about the given size, whose text is far too long. */
    private static Supplier<byte[]> sized(int bytes) {
        return () -> {
            byte[] body = new byte[Math.max(bytes, 12)];
            Arrays.fill(body, (byte) 'x');
            byte[] start = "{\"text\":\"".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(start, 0, body, 0, start.length);
            body[body.length - 2] = '"';
            body[body.length - 1] = '}';
            return body;
        };
    }

    private Supplier<byte[]> rawBody() {
        int size = pick(new Integer[] {0, 1, 7, 100, 5000, 70_000});
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return () -> bytes;
    }

    private String query(String... names) {
        if (random.nextInt(4) == 0) {
            return "";
        }
        StringBuilder query = new StringBuilder("?");
        for (String name : names) {
            if (random.nextBoolean()) {
                String value = random.nextBoolean() ? pick(CURSORS) : pickString();
                query.append(query.length() > 1 ? "&" : "").append(name).append('=').append(encode(value));
            }
        }
        if (random.nextInt(10) == 0) {
            query.append("&").append(names[0]).append("=1&").append(names[0]).append("=2");
        }
        return query.length() == 1 ? "" : query.toString();
    }

    /** The query with hostile {@code after} and {@code limit} values added, each half the time. */
    private String pagingOf(String query) {
        StringBuilder more = new StringBuilder(query);
        for (String name : new String[] {"after", "limit"}) {
            if (paging.nextBoolean()) {
                String value = paging.nextBoolean() ? CURSORS[paging.nextInt(CURSORS.length)] : STRINGS[paging.nextInt(STRINGS.length)];
                more.append(more.isEmpty() ? "?" : "&").append(name).append('=').append(encode(value));
            }
        }
        return more.toString();
    }

    private void lastEventId(List<String[]> headers) {
        if (random.nextBoolean()) {
            headers.add(new String[] {"Last-Event-ID", ascii(random.nextBoolean() ? pick(CURSORS) : pickString())});
        }
    }

    /** A path segment: percent-encoded strings from the pool, and the classic path tricks as they are. */
    private String pathSegment() {
        if (random.nextInt(4) == 0) {
            return pick(new String[] {"..", ".", "%2e%2e", "%2e%2e%2f%2e%2e", "a%2fb", "%00", "%ff%fe", "a;b=c", "%20",
                "..%2f..%2finternal%2fmessages", "%252e", "x".repeat(3000)});
        }
        String segment = encode(pickString());
        return segment.isEmpty() ? "%20" : segment;
    }

    private String groupOr(String name) {
        return random.nextInt(3) == 0 ? group : name;
    }

    /** A message id of alice's, now and then; otherwise a hostile path segment. */
    private String idOr(long id) {
        return random.nextInt(3) == 0 ? Long.toString(id) : pathSegment();
    }

    private String peerOr(String name) {
        return random.nextInt(3) == 0 ? bob : name;
    }

    private String pickString() {
        return STRINGS[random.nextInt(STRINGS.length)];
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private String pick(int size, java.util.function.IntFunction<String> value) {
        return value.apply(random.nextInt(size));
    }

    private static Supplier<byte[]> utf8(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return () -> bytes;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Header values must be visible ASCII for the client to send them; the rest becomes '?'. */
    private static String ascii(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Head and tail: a path's last segments (a message id) say as much as its first. */
    private static String abbreviate(String text) {
        return text.length() <= 200 ? text
                : text.substring(0, 120) + "...(" + text.length() + " chars)..." + text.substring(text.length() - 80);
    }
}
