package io.chorus.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chorus CLI as people use it: the packaged jar run as a process for the scriptable
 * commands, and `chorus chat` typed into real terminals (tmux panes, one per person), against the
 * four services running as separate processes.
 */
class CliIT extends AgainstCluster {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path ROOT = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
    static final Path JAR = ROOT.resolve("cli/target/chorus-cli.jar");
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    // A tmux server of our own: its sessions cannot collide with anyone else's, and it goes away with the tests.
    static final String TMUX_SOCKET = "chorus-cli-it-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path homes;

    @BeforeAll
    static void requireJar() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: package the cli module first (the test command does)");
        }
    }

    @AfterAll
    static void stopTmux() throws Exception {
        tmux("kill-server");
    }

    record Result(int exitCode, String out, String err) {
        JsonPath json() {
            return JsonPath.from(out);
        }
    }

    /** Someone with their own config directory (so their own saved session), at their own terminal. */
    static final class Person {
        final String name;
        final Path config;

        Person(String name) {
            this.name = name;
            try {
                this.config = Files.createDirectories(homes.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Registers and logs in through the CLI, checking what a script would check. */
        static Person signedUp(String base) throws Exception {
            Person person = new Person(Api.unique(base));
            Result registered = person.chorus("password-of-" + person.name + "\n",
                    "register", person.name, "--password-stdin", "--json");
            assertEquals(0, registered.exitCode(), registered.err());
            assertEquals(person.name, registered.json().getString("name"));
            Result login = person.chorus("password-of-" + person.name + "\n", "login", person.name, "--password-stdin", "--json");
            assertEquals(0, login.exitCode(), login.err());
            assertEquals(person.name, login.json().getString("name"));
            Path credentials = person.config.resolve("chorus/credentials.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
            Result whoami = person.chorus("", "whoami", "--json");
            assertEquals(0, whoami.exitCode(), whoami.err());
            assertEquals(person.name, whoami.json().getString("name"));
            return person;
        }

        List<String> command(String... args) {
            List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
            command.addAll(List.of(args));
            return command;
        }

        ProcessBuilder process(String... args) {
            ProcessBuilder builder = new ProcessBuilder(command(args));
            builder.environment().put("XDG_CONFIG_HOME", config.toString());
            builder.environment().put("CHORUS_GATEWAY_URL", cluster.url("group-gateway"));
            builder.environment().put("CHORUS_USERS_URL", cluster.url("user-service"));
            builder.environment().put("CHORUS_DMS_URL", cluster.url("dm-service"));
            return builder;
        }

        Result chorus(String stdin, String... args) throws Exception {
            Path out = Files.createTempFile(config, "out", ".txt");
            Path err = Files.createTempFile(config, "err", ".txt");
            Process process = process(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("chorus " + String.join(" ", args) + " did not finish");
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        }

        /** `chorus chat` in a fresh 200x50 terminal; the pane stays up after it exits, showing its exit code. */
        Pane chat() {
            StringBuilder shell = new StringBuilder("env");
            process().environment().forEach((key, value) -> {
                if (key.equals("XDG_CONFIG_HOME") || key.startsWith("CHORUS_")) {
                    shell.append(' ').append(key).append('=').append(quote(value));
                }
            });
            for (String part : command("chat")) {
                shell.append(' ').append(quote(part));
            }
            shell.append("; echo EXITED:$?; sleep 600");
            return new Pane(shell.toString());
        }
    }

    static final class Pane implements AutoCloseable {
        final String session = "chat-" + UUID.randomUUID().toString().substring(0, 8);

        Pane(String command) {
            tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50", command);
        }

        void type(String line) {
            tmux("send-keys", "-t", session, "-l", line);
            tmux("send-keys", "-t", session, "Enter");
        }

        String screen() {
            return tmux("capture-pane", "-p", "-J", "-t", session);
        }

        void awaitShows(String text) {
            await("pane " + session + " shows " + text).atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> screen().contains(text));
        }

        @Override
        public void close() {
            tmux("kill-session", "-t", session);
        }
    }

    static String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", TMUX_SOCKET, "-f", "/dev/null"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("tmux is needed for the terminal tests", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * alice says a line, bob answers; each sees the other's line and neither gets their own back
     * (what they typed shows only as the terminal's echo); then both type exit and leave cleanly.
     */
    static void converse(Person alice, Pane aliceChat, String line, Person bob, Pane bobChat, String answer) {
        aliceChat.type(line);
        bobChat.awaitShows("[" + alice.name + "] " + line);
        bobChat.type(answer);
        aliceChat.awaitShows("[" + bob.name + "] " + answer);
        assertFalse(aliceChat.screen().contains("[" + alice.name + "]"), aliceChat.screen());
        assertFalse(bobChat.screen().contains("[" + bob.name + "]"), bobChat.screen());

        aliceChat.type("exit");
        bobChat.type("exit");
        aliceChat.awaitShows("EXITED:0");
        bobChat.awaitShows("EXITED:0");
    }

    static void startChat(Pane pane, String kind, String with, String expected) {
        pane.awaitShows("Direct or group?");
        pane.type(kind);
        pane.awaitShows(kind.startsWith("g") ? "Group:" : "To whom?");
        pane.type(with);
        pane.awaitShows(expected);
    }

    @Test
    void chatsInAGroupBetweenTwoTerminals() throws Exception {
        Person alice = Person.signedUp("alice");
        Person bob = Person.signedUp("bob");
        String group = Api.unique("garden");
        Result created = alice.chorus("", "create", group, "--json");
        assertEquals(0, created.exitCode(), created.err());
        assertEquals(group, created.json().getString("name"));
        assertEquals(0, bob.chorus("", "join", group).exitCode());
        Result mine = bob.chorus("", "groups", "--mine", "--json");
        assertTrue(mine.json().getList("groups.name").contains(group), mine.out());

        try (Pane aliceChat = alice.chat(); Pane bobChat = bob.chat()) {
            startChat(aliceChat, "group", group, "Chatting in " + group + " as " + alice.name);
            startChat(bobChat, "g", group, "Chatting in " + group + " as " + bob.name);

            converse(alice, aliceChat, "tea at five?", bob, bobChat, "yes, with cake");
        }

        Result history = bob.chorus("", "history", "group", group, "--limit", "10", "--json");
        assertEquals(0, history.exitCode(), history.err());
        assertEquals(List.of("tea at five?", "yes, with cake"), history.json().getList("messages.text"));
    }

    @Test
    void chatsDirectlyBetweenTwoTerminals() throws Exception {
        Person alice = Person.signedUp("alice");
        Person bob = Person.signedUp("bob");

        try (Pane aliceChat = alice.chat(); Pane bobChat = bob.chat()) {
            startChat(aliceChat, "direct", bob.name, "Chatting with " + bob.name);
            startChat(bobChat, "d", alice.name, "Chatting with " + alice.name);

            converse(alice, aliceChat, "are you there?", bob, bobChat, "always");
        }

        Result history = alice.chorus("", "history", "dm", bob.name, "--json");
        assertEquals(List.of("are you there?", "always"), history.json().getList("messages.text"));
    }

    /** The person's saved access token, for calls the CLI has no command for (typing). */
    static String token(Person person) throws IOException {
        return JsonPath.from(Files.readString(person.config.resolve("chorus/credentials.json"))).getString("accessToken");
    }

    @Test
    void chatShowsEditsDeletesTypingAndJoinsAndTheCommandsKeepCountOfWhatIsUnread() throws Exception {
        Person alice = Person.signedUp("alice");
        Person bob = Person.signedUp("bob");
        Person carol = Person.signedUp("carol");
        String group = Api.unique("kitchen");
        assertEquals(0, alice.chorus("", "create", group).exitCode());
        assertEquals(0, bob.chorus("", "join", group).exitCode());

        try (Pane bobChat = bob.chat()) {
            startChat(bobChat, "g", group, "Chatting in " + group + " as " + bob.name);
            long id = alice.chorus("", "post", group, "tea at five?", "--json").json().getLong("id");
            bobChat.awaitShows("[" + alice.name + "] tea at five?");

            Result edited = alice.chorus("", "edit", "group", group, String.valueOf(id), "tea", "at", "six?");
            assertEquals(0, edited.exitCode(), edited.err());
            bobChat.awaitShows("[" + alice.name + "] #" + id + " tea at six? (edited)");

            HttpResponse<Void> typing = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(cluster.url("group-gateway") + "/api/groups/" + group + "/typing"))
                    .header("Authorization", "Bearer " + token(alice)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(204, typing.statusCode());
            bobChat.awaitShows("* " + alice.name + " is typing");

            assertEquals(0, carol.chorus("", "join", group).exitCode());
            bobChat.awaitShows("* " + carol.name + " joined");

            assertEquals(1, bob.chorus("", "delete", "group", group, String.valueOf(id)).exitCode(), "not bob's message");
            assertEquals(0, alice.chorus("", "delete", "group", group, String.valueOf(id)).exitCode());
            bobChat.awaitShows("[" + alice.name + "] #" + id + " (deleted)");
            bobChat.type("exit");
            bobChat.awaitShows("EXITED:0");
        }

        long second = alice.chorus("", "post", group, "second helping", "--json").json().getLong("id");
        Result mine = bob.chorus("", "groups", "--mine");
        assertTrue(mine.out().contains(group + "  (3 members)  1 unread"), mine.out());
        Result history = bob.chorus("", "history", "group", group);
        assertTrue(history.out().contains("#" + second + " "), history.out());
        assertTrue(history.out().contains(alice.name + ": (deleted)"), history.out());
        Result found = bob.chorus("", "search", "group", group, "helping");
        assertEquals(1, found.out().lines().count(), found.out());
        assertTrue(found.out().contains("second helping"), found.out());
        assertEquals(0, bob.chorus("", "read", "group", group).exitCode());
        assertEquals(0, bob.chorus("", "groups", "--mine", "--json").json().getInt("groups.find { it.name == '" + group + "' }.unread"));

        assertEquals(0, alice.chorus("", "send", bob.name, "psst").exitCode());
        Result dms = bob.chorus("", "dms");
        assertTrue(dms.out().startsWith(alice.name + "  1 unread"), dms.out());
        long dm = alice.chorus("", "history", "dm", bob.name, "--json").json().getLong("messages[0].id");
        assertEquals(0, alice.chorus("", "edit", "dm", bob.name, String.valueOf(dm), "psst!").exitCode());
        assertTrue(bob.chorus("", "history", "dm", alice.name).out().contains("psst! (edited)"));
        assertEquals(0, bob.chorus("", "read", "dm", alice.name).exitCode());
        assertTrue(bob.chorus("", "dms").out().startsWith(alice.name + "  #"), "nothing unread after reading");

        try (Pane aliceChat = alice.chat()) {
            startChat(aliceChat, "g", group, "Chatting in " + group);
            await("alice is online in " + group).atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> bob.chorus("", "who", group).out().contains(alice.name));
            aliceChat.type("exit");
        }
    }

    @Test
    void exitCodesTellScriptsWhatWentWrong() throws Exception {
        Person carol = Person.signedUp("carol");
        Result notMember = carol.chorus("", "post", Api.unique("nowhere"), "hello");
        assertEquals(1, notMember.exitCode());
        assertFalse(notMember.err().isBlank());
        assertEquals(2, carol.chorus("", "post", "only-a-group").exitCode());
        assertEquals(3, carol.chorus("", "--gateway", "http://127.0.0.1:1", "groups").exitCode());
        assertEquals(0, carol.chorus("", "logout").exitCode());
        assertEquals(1, carol.chorus("", "whoami").exitCode());
    }

    @Test
    void listenResumesAfterAGatewayRestartWithoutGapsOrDuplicates() throws Exception {
        Person alice = Person.signedUp("alice");
        Person bob = Person.signedUp("bob");
        String group = Api.unique("relay");
        assertEquals(0, alice.chorus("", "create", group).exitCode());
        assertEquals(0, bob.chorus("", "join", group).exitCode());

        Path out = bob.config.resolve("listen.out");
        Path err = bob.config.resolve("listen.err");
        Process listen = bob.process("listen", "--json").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            await("listen connected").atMost(WAIT).until(() -> Files.readString(err).contains("listening"));
            assertEquals(0, alice.chorus("", "post", group, "before the restart").exitCode());
            await("first message").atMost(WAIT).until(() -> Files.readString(out).contains("before the restart"));

            HttpClient http = HttpClient.newHttpClient();
            HttpRequest gatewayHealth = HttpRequest.newBuilder(
                    URI.create(cluster.url("group-gateway") + "/q/health/live")).timeout(Duration.ofSeconds(1)).build();
            CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> cluster.restart("group-gateway"));
            // DMs do not go through the gateway: these are sent while bob's stream is certainly down.
            await("gateway down").atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                try {
                    http.send(gatewayHealth, HttpResponse.BodyHandlers.discarding());
                    return false;
                } catch (IOException e) {
                    return true;
                }
            });
            assertEquals(0, alice.chorus("", "send", bob.name, "while", "it", "was", "down").exitCode());
            assertEquals(0, alice.chorus("", "send", bob.name, "still down").exitCode());
            restart.get(120, TimeUnit.SECONDS);
            assertEquals(0, alice.chorus("", "post", group, "after the restart").exitCode());
            assertEquals(0, alice.chorus("", "post", group, "and once more").exitCode());

            List<String> expected = List.of("before the restart", "while it was down", "still down",
                    "after the restart", "and once more");
            await("all five messages").atMost(WAIT).until(() -> texts(out).containsAll(expected));
            // Whatever arrived late must not be followed by a repeat: give a repeat time to show up.
            assertEquals(0, alice.chorus("", "post", group, "marker").exitCode());
            await("marker").atMost(WAIT).until(() -> texts(out).contains("marker"));
            List<String> texts = texts(out);
            assertEquals(6, texts.size(), "each message exactly once: " + texts);
            // Order holds per log (a resume replays the missed group messages, then the missed DMs).
            assertEquals(List.of("before the restart", "after the restart", "and once more", "marker"),
                    texts.stream().filter(text -> !expected.subList(1, 3).contains(text)).toList());
            assertEquals(expected.subList(1, 3), texts.stream().filter(expected.subList(1, 3)::contains).toList());
            assertTrue(Files.readString(err).contains("reconnect"), Files.readString(err));
        } finally {
            listen.destroy();
            listen.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The message texts in a `listen --json` output file, in the order printed. */
    static List<String> texts(Path listenOutput) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(listenOutput)) {
            if (!line.isBlank()) {
                texts.add(JsonPath.from(line).getString("message.text"));
            }
        }
        return texts;
    }
}
