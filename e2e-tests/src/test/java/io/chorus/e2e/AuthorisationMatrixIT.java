package io.chorus.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.testing.InternalCalls;
import io.chorus.testing.SigningKeys;
import io.smallrye.jwt.build.Jwt;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint, public and internal, against every kind of caller: each cell's status is
 * asserted, and where a cell could leak (a conversation, a group's history, a log), that only the
 * callers who belong see the data. The table is printed and must match docs/security.md, so the
 * document stays true.
 */
class AuthorisationMatrixIT extends AgainstCluster {

    enum Caller {
        NO_TOKEN("no token"), WRONG_SIGNATURE("wrong signature"), EXPIRED("expired"), UNKNOWN_USER("unknown user"),
        NON_MEMBER("non-member / other party"), MEMBER("member / party"),
        NO_CREDENTIAL("member, no internal credential"), WRONG_CREDENTIAL("member, wrong credential"),
        CREDENTIAL("member + internal credential");

        final String label;

        Caller(String label) {
            this.label = label;
        }
    }

    /** One endpoint: how to call it as a caller, the status each caller gets, and data only members may see. */
    record Row(String service, String method, String path, Function<Caller, String> body, Map<Caller, Integer> expected,
               String secret) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyEndpointAnswersEachCallerAsTheTableSays() throws Exception {
        String alice = Api.unique("alice");
        String bob = Api.unique("bob");
        String carol = Api.unique("carol");
        String ghost = Api.unique("ghost");
        Map<Caller, String> tokens = new EnumMap<>(Caller.class);
        tokens.put(Caller.MEMBER, api.signUp(alice));
        String bobToken = api.signUp(bob);
        tokens.put(Caller.NON_MEMBER, api.signUp(carol));
        tokens.put(Caller.UNKNOWN_USER, Jwt.issuer("chorus").upn(ghost).subject(ghost).groups("user")
                .expiresAt(Instant.now().plusSeconds(3600)).sign(cluster.keys().keyPair().getPrivate()));
        tokens.put(Caller.WRONG_SIGNATURE, Jwt.issuer("chorus").upn(alice).subject(alice).groups("user")
                .expiresAt(Instant.now().plusSeconds(3600)).sign(SigningKeys.generate().keyPair().getPrivate()));
        tokens.put(Caller.EXPIRED, Jwt.issuer("chorus").upn(alice).subject(alice).groups("user")
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign(cluster.keys().keyPair().getPrivate()));
        for (Caller withCredential : List.of(Caller.NO_CREDENTIAL, Caller.WRONG_CREDENTIAL, Caller.CREDENTIAL)) {
            tokens.put(withCredential, tokens.get(Caller.MEMBER));
        }

        String group = Api.unique("matrix");
        api.createGroup(tokens.get(Caller.MEMBER), group);
        api.join(bobToken, group);
        String groupSecret = "group-secret-" + group;
        api.post(tokens.get(Caller.MEMBER), group, groupSecret);
        String dmSecret = "dm-secret-" + alice;
        api.sendDm(tokens.get(Caller.MEMBER), bob, dmSecret);

        // Messages of the member's to edit and delete: the secrets above must stay readable.
        Changeable changeable = new Changeable(
                api.post(tokens.get(Caller.MEMBER), group, "to be edited").getLong("id"),
                api.post(tokens.get(Caller.MEMBER), group, "to be deleted").getLong("id"),
                api.sendDm(tokens.get(Caller.MEMBER), bob, "dm to be edited").getLong("id"),
                api.sendDm(tokens.get(Caller.MEMBER), bob, "dm to be deleted").getLong("id"));

        List<Row> rows = rows(alice, bob, group, groupSecret, dmSecret, changeable);
        List<String> mismatches = new ArrayList<>();
        StringBuilder table = new StringBuilder("| endpoint |");
        List<Caller> callers = List.of(Caller.values());
        callers.forEach(caller -> table.append(' ').append(caller.label).append(" |"));
        table.append('\n').append("|---|").append("---|".repeat(callers.size())).append('\n');
        for (Row row : rows) {
            table.append("| ").append(row.service()).append(' ').append(row.method()).append(' ')
                    .append(row.path().replace(group, "{g}").replace(bob, "{peer}").replace(alice, "{name}")
                            .replace("{fresh}", "{new g}").replaceAll("/messages/\\d+", "/messages/{id}")
                            .replaceAll("\\?.*", "")).append(" |");
            for (Caller caller : callers) {
                Integer expected = row.expected().get(caller);
                if (expected == null) {
                    table.append(" - |");
                    continue;
                }
                String path = row.path().contains("{fresh}") ? row.path().replace("{fresh}", freshGroup(tokens.get(Caller.MEMBER))) : row.path();
                Answer answer = call(row, path, caller, tokens.get(caller));
                table.append(' ').append(answer.status()).append(" |");
                if (answer.status() != expected) {
                    mismatches.add(row.method() + " " + row.path() + " as " + caller.label + ": expected " + expected
                            + ", got " + answer.status() + " " + answer.body());
                }
                if (answer.status() >= 400 && !answer.contentType().startsWith("application/problem+json")) {
                    mismatches.add(row.method() + " " + row.path() + " as " + caller.label + ": a " + answer.status()
                            + " that is not a problem document (" + answer.contentType() + ")");
                }
                boolean mayRead = caller == Caller.MEMBER || caller == Caller.CREDENTIAL;
                if (row.secret() != null && answer.body().contains(row.secret()) && !mayRead) {
                    mismatches.add(row.method() + " " + row.path() + " as " + caller.label + " leaked " + row.secret());
                }
                if (row.secret() != null && mayRead && expected == 200 && !answer.body().contains(row.secret())) {
                    mismatches.add(row.method() + " " + row.path() + " as " + caller.label + " did not show " + row.secret());
                }
            }
            table.append('\n');
        }
        System.out.println("Authorisation matrix (status per caller):\n" + table);
        Path printed = Path.of("target/authorisation-matrix.md");
        Files.writeString(printed, table.toString());
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        String docs = Files.readString(Path.of(System.getProperty("chorus.root", "..")).resolve("docs/security.md"));
        assertTrue(docs.contains(table.toString().strip()),
                "docs/security.md does not hold the current matrix; copy it from " + printed.toAbsolutePath());
    }

    private static int freshCount;

    private static String freshGroup(String ownerToken) {
        String group = "fresh-" + (++freshCount) + "-" + Api.unique("g");
        api.createGroup(ownerToken, group);
        return group;
    }

    /** Ids of the member's group messages and DMs that the edit and delete rows change. */
    record Changeable(long groupEdit, long groupDelete, long dmEdit, long dmDelete) {
    }

    private static List<Row> rows(String alice, String bob, String group, String groupSecret, String dmSecret,
                                  Changeable changeable) {
        String users = "user-service";
        String dms = "dm-service";
        String gateway = "group-gateway";
        String history = "history-service";
        Function<Caller, String> none = caller -> null;
        Map<Caller, Integer> open201 = statuses(201, 201, 201, 201, 201, 201);
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(users, "POST", "/api/users", caller -> "{\"name\":\"" + Api.unique("new") + "\",\"password\":\"long-enough-1\"}",
                open201, null));
        rows.add(new Row(users, "POST", "/api/auth/token", caller -> "{\"name\":\"" + alice + "\",\"password\":\"password-of-" + alice + "\"}",
                statuses(200, 200, 200, 200, 200, 200), null));
        rows.add(new Row(users, "GET", "/api/users/" + bob, none, statuses(401, 401, 401, 200, 200, 200), null));
        rows.add(new Row(users, "GET", "/api/users?prefix=b", none, statuses(401, 401, 401, 200, 200, 200), null));
        rows.add(new Row(users, "GET", "/api/me", none, statuses(401, 401, 401, 404, 200, 200), null));
        rows.add(new Row(users, "GET", "/internal/users", none, statusesAll(404), null));
        rows.add(new Row(users, "POST", "/internal/write-budget/" + alice, none, internal(200), null));
        rows.add(new Row(dms, "POST", "/api/dms/" + bob + "/messages", caller -> "{\"text\":\"hello\"}",
                statuses(401, 401, 401, 201, 201, 201), null));
        rows.add(new Row(dms, "PATCH", "/api/dms/" + bob + "/messages/" + changeable.dmEdit(), caller -> "{\"text\":\"edited\"}",
                statuses(401, 401, 401, 404, 404, 200), null));
        rows.add(new Row(dms, "DELETE", "/api/dms/" + bob + "/messages/" + changeable.dmDelete(), none,
                statuses(401, 401, 401, 404, 404, 204), null));
        // Each caller's own conversation with {peer} (the row above gave every one of them a DM).
        rows.add(new Row(dms, "PUT", "/api/dms/" + bob + "/read", caller -> "{\"upTo\":1}",
                statuses(401, 401, 401, 204, 204, 204), null));
        rows.add(new Row(dms, "POST", "/api/dms/" + bob + "/typing", none, statuses(401, 401, 401, 204, 204, 204), null));
        rows.add(new Row(dms, "GET", "/api/dms", none, statuses(401, 401, 401, 200, 200, 200), null));
        rows.add(new Row(dms, "GET", "/api/dms/" + bob + "/messages", none, statuses(401, 401, 401, 200, 200, 200), dmSecret));
        rows.add(new Row(dms, "GET", "/internal/dms?after=0&all=true", none, internal(200), dmSecret));
        rows.add(new Row(dms, "GET", "/internal/dms/head", none, internal(200), null));
        rows.add(new Row(gateway, "POST", "/api/groups", caller -> "{\"name\":\"" + Api.unique("g") + "\"}",
                statuses(401, 401, 401, 201, 201, 201), null));
        rows.add(new Row(gateway, "GET", "/api/groups", none, statuses(401, 401, 401, 200, 200, 200), null));
        rows.add(new Row(gateway, "GET", "/api/groups/" + group, none, statuses(401, 401, 401, 200, 200, 200), null));
        rows.add(new Row(gateway, "GET", "/api/groups/" + group + "/members", none, statuses(401, 401, 401, 200, 200, 200), null));
        rows.add(new Row(gateway, "PUT", "/api/groups/{fresh}/members/me", none, statuses(401, 401, 401, 200, 200, 200), null));
        rows.add(new Row(gateway, "DELETE", "/api/groups/{fresh}/members/me", none, statuses(401, 401, 401, 204, 204, 204), null));
        rows.add(new Row(gateway, "POST", "/api/groups/" + group + "/messages", caller -> "{\"text\":\"hello\"}",
                statuses(401, 401, 401, 403, 403, 201), null));
        rows.add(new Row(gateway, "PATCH", "/api/groups/" + group + "/messages/" + changeable.groupEdit(),
                caller -> "{\"text\":\"edited\"}", statuses(401, 401, 401, 403, 403, 200), null));
        rows.add(new Row(gateway, "DELETE", "/api/groups/" + group + "/messages/" + changeable.groupDelete(), none,
                statuses(401, 401, 401, 403, 403, 204), null));
        rows.add(new Row(gateway, "PUT", "/api/groups/" + group + "/read", caller -> "{\"upTo\":1}",
                statuses(401, 401, 401, 403, 403, 204), null));
        rows.add(new Row(gateway, "POST", "/api/groups/" + group + "/typing", none, statuses(401, 401, 401, 403, 403, 204), null));
        rows.add(new Row(gateway, "GET", "/api/groups/" + group + "/presence", none, statuses(401, 401, 401, 403, 403, 200), null));
        rows.add(new Row(gateway, "GET", "/api/groups/" + group + "/messages", none, statuses(401, 401, 401, 403, 403, 200), groupSecret));
        rows.add(new Row(gateway, "GET", "/api/groups/" + group + "/events", none, statuses(401, 401, 401, 403, 403, 200), null));
        rows.add(new Row(gateway, "GET", "/api/events", none, statuses(401, 401, 401, 200, 200, 200), null));
        rows.add(new Row(history, "POST", "/internal/groups/" + group + "/messages", caller -> "{\"text\":\"internal\"}", internal(201), null));
        rows.add(new Row(history, "PATCH", "/internal/groups/" + group + "/messages/" + changeable.groupEdit(),
                caller -> "{\"text\":\"edited inside\"}", internal(200), null));
        rows.add(new Row(history, "DELETE", "/internal/groups/" + group + "/messages/" + changeable.groupDelete(), none,
                internal(204), null));
        rows.add(new Row(history, "PUT", "/internal/groups/" + group + "/read", caller -> "{\"upTo\":1}", internal(204), null));
        rows.add(new Row(history, "GET", "/internal/unread?group=" + group, none, internal(200), null));
        rows.add(new Row(history, "POST", "/internal/groups/" + group + "/typing", none, internal(204), null));
        rows.add(new Row(history, "POST", "/internal/group-messages", caller -> "{\"posts\":[{\"group\":\"" + group
                + "\",\"sender\":\"someone\",\"text\":\"batched\"}]}", internal(200), null));
        rows.add(new Row(history, "PUT", "/internal/groups/{fresh}/members/me", none, internal(201), null));
        rows.add(new Row(history, "GET", "/internal/groups/" + group + "/messages", none, internal(200), groupSecret));
        rows.add(new Row(history, "GET", "/internal/messages?after=0&all=true", none, internal(200), groupSecret));
        rows.add(new Row(history, "GET", "/internal/messages/head", none, internal(200), null));
        return rows;
    }

    /** The six token callers; the internal-credential columns do not apply to public endpoints. */
    private static Map<Caller, Integer> statuses(int... byCaller) {
        Map<Caller, Integer> expected = new EnumMap<>(Caller.class);
        for (int i = 0; i < byCaller.length; i++) {
            expected.put(Caller.values()[i], byCaller[i]);
        }
        return expected;
    }

    /** An internal endpoint: 401 for every caller without the credential, whatever their token. */
    private static Map<Caller, Integer> internal(int withCredential) {
        Map<Caller, Integer> expected = statusesAll(401);
        expected.put(Caller.CREDENTIAL, withCredential);
        return expected;
    }

    private static Map<Caller, Integer> statusesAll(int status) {
        Map<Caller, Integer> expected = new EnumMap<>(Caller.class);
        for (Caller caller : Caller.values()) {
            expected.put(caller, status);
        }
        return expected;
    }

    record Answer(int status, String contentType, String body) {
    }

    private static Answer call(Row row, String path, Caller caller, String token) throws Exception {
        String body = row.body().apply(caller);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.url(row.service()) + path))
                .timeout(Duration.ofSeconds(15))
                .method(row.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (caller == Caller.WRONG_CREDENTIAL) {
            request.header(InternalCalls.HEADER, "not-the-credential-" + cluster.secrets().internalCredential().substring(8));
        } else if (caller == Caller.CREDENTIAL) {
            request.header(InternalCalls.HEADER, cluster.secrets().internalCredential());
        }
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        try (InputStream stream = response.body()) {
            // A live stream never ends: its status and type are the answer.
            String text = contentType.startsWith("text/event-stream") ? ""
                    : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(response.statusCode(), contentType, text);
        }
    }
}
