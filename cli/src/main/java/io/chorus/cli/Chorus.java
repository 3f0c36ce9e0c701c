package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The chorus command. Exit codes are part of its interface: 0 done, 1 refused (the server said
 * no, or there is no session), 2 usage, 3 a service could not be reached.
 */
@Command(name = "chorus", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "chorus 1.0.0",
        description = "Chorus from the command line: accounts, direct messages, groups, history and live events.",
        subcommands = {Chorus.History.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:refused by a service (its reason goes to stderr), or not logged in",
                "2:usage error", "3:a service could not be reached"})
public final class Chorus {

    @Option(names = "--gateway", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "group-gateway URL (default: $CHORUS_GATEWAY_URL, else http://localhost:8080)")
    String gatewayUrl;

    @Option(names = "--users", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "user-service URL (default: $CHORUS_USERS_URL, else http://localhost:8081)")
    String usersUrl;

    @Option(names = "--dms", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "dm-service URL (default: $CHORUS_DMS_URL, else http://localhost:8082)")
    String dmsUrl;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the services' JSON (one document, or one per line for streams) instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final String userHome;
    private final InputStream stdin;
    private final ObjectMapper mapper = new ObjectMapper();
    private final MessageFormat format = new MessageFormat(ZoneId.systemDefault());
    private ChorusApi api;

    Chorus(Map<String, String> env, String userHome, InputStream stdin) {
        this.env = env;
        this.userHome = userHome;
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        System.exit(run(new Chorus(System.getenv(), System.getProperty("user.home"), System.in), args));
    }

    static int run(Chorus chorus, String... args) {
        return commandLine(chorus).execute(args);
    }

    static CommandLine commandLine(Chorus chorus) {
        CommandLine commandLine = new CommandLine(chorus);
        commandLine.setExecutionExceptionHandler((exception, failed, parsed) -> {
            if (exception instanceof ChorusException e) {
                failed.getErr().println("chorus: " + e.getMessage());
                if (e.exitCode() == ChorusException.USAGE) {
                    failed.getErr().println("Try 'chorus help " + failed.getCommandName() + "' for usage.");
                }
                return e.exitCode();
            }
            if (exception instanceof UncheckedIOException e) {
                failed.getErr().println("chorus: " + e.getMessage() + ": " + e.getCause().getMessage());
                return ChorusException.REFUSED;
            }
            throw exception;
        });
        return commandLine;
    }

    @Command(name = "register", description = "Create an account. The password is asked for without echo.")
    int register(@Parameters(paramLabel = "NAME", description = "1-32 of letters, digits, _ - .") String name,
                 @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
                 boolean passwordStdin) {
        String password = password(passwordStdin, true);
        JsonNode user = api().register(name, password);
        print(user, "Registered " + user.path("name").asText(name) + ". Log in with: chorus login " + name);
        return 0;
    }

    @Command(name = "login", description = "Log in and keep the access token in ~/.config/chorus/credentials.json (mode 600).")
    int login(@Parameters(paramLabel = "NAME") String name,
              @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
              boolean passwordStdin) {
        String password = password(passwordStdin, false);
        JsonNode token = api().login(name, password);
        Instant expiresAt = token.hasNonNull("expiresIn")
                ? Instant.now().plusSeconds(token.path("expiresIn").asLong()) : null;
        store().save(new Credentials(name, token.path("accessToken").asText(), expiresAt));
        ObjectNode result = mapper.createObjectNode().put("name", name);
        if (expiresAt != null) {
            result.put("expiresAt", expiresAt.toString());
        }
        print(result, "Logged in as " + name + (expiresAt == null ? "." : " until " + expiresAt + "."));
        return 0;
    }

    @Command(name = "logout", description = "Forget the saved access token.")
    int logout() {
        boolean removed = store().delete();
        print(mapper.createObjectNode().put("loggedOut", removed), removed ? "Logged out." : "Not logged in.");
        return 0;
    }

    @Command(name = "whoami", description = "Show who the saved token belongs to, as user-service sees it.")
    int whoami() {
        JsonNode me = api().me();
        print(me, me.path("name").asText());
        return 0;
    }

    @Command(name = "send", description = "Send a direct message.")
    int send(@Parameters(index = "0", paramLabel = "USER") String peer,
             @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The words of the message.")
             List<String> words) {
        JsonNode message = api().sendDirect(peer, String.join(" ", words));
        print(message, "Sent to " + message.path("to").asText(peer) + " (#" + message.path("id").asText() + ").");
        return 0;
    }

    @Command(name = "post", description = "Post a message to a group you are a member of.")
    int post(@Parameters(index = "0", paramLabel = "GROUP") String group,
             @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The words of the message.")
             List<String> words) {
        JsonNode message = api().post(group, String.join(" ", words));
        print(message, "Posted to " + message.path("group").asText(group) + " (#" + message.path("id").asText() + ").");
        return 0;
    }

    @Command(name = "history", description = "Read history, oldest first within the page.",
            subcommands = CommandLine.HelpCommand.class)
    static final class History {

        @ParentCommand
        Chorus chorus;

        @Command(name = "group", description = "A group's messages (members only).")
        int group(@Parameters(paramLabel = "GROUP") String group, @CommandLine.Mixin PageOptions page) {
            return chorus.printHistory(chorus.api().groupHistory(group, page.page()));
        }

        @Command(name = "dm", description = "Your conversation with one user.")
        int dm(@Parameters(paramLabel = "USER") String peer, @CommandLine.Mixin PageOptions page) {
            return chorus.printHistory(chorus.api().directHistory(peer, page.page()));
        }
    }

    static final class PageOptions {
        @Option(names = "--limit", paramLabel = "N", description = "At most N messages (server default 50, max 1000).")
        Integer limit;

        @Option(names = "--before", paramLabel = "ID", description = "The last N messages before this id.")
        Long before;

        @Option(names = "--after", paramLabel = "ID", description = "The first N messages after this id.")
        Long after;

        ChorusApi.Page page() {
            if (limit != null && limit < 1) {
                throw ChorusException.usage("--limit must be at least 1");
            }
            return new ChorusApi.Page(limit, before, after);
        }
    }

    private int printHistory(JsonNode page) {
        if (json) {
            printJson(page);
        } else {
            PrintWriter out = out();
            for (JsonNode message : page.path("messages")) {
                out.println(format.history(message));
            }
            out.flush();
        }
        return 0;
    }

    @Command(name = "groups", description = "List groups.")
    int groups(@Option(names = "--mine", description = "Only the groups you belong to.") boolean mine) {
        JsonNode groups = api().groups(mine);
        if (json) {
            printJson(groups);
            return 0;
        }
        PrintWriter out = out();
        for (JsonNode group : groups.path("groups")) {
            int members = group.path("memberCount").asInt(-1);
            out.println(MessageFormat.safe(group.path("name").asText())
                    + (members < 0 ? "" : "  (" + members + (members == 1 ? " member)" : " members)")));
        }
        out.flush();
        return 0;
    }

    @Command(name = "create", description = "Create a group; you become its first member.")
    int create(@Parameters(paramLabel = "GROUP") String group) {
        JsonNode created = api().createGroup(group);
        print(created, "Created " + created.path("name").asText(group) + ".");
        return 0;
    }

    @Command(name = "join", description = "Join a group (joining twice is fine).")
    int join(@Parameters(paramLabel = "GROUP") String group) {
        JsonNode joined = api().join(group);
        print(joined, "Joined " + joined.path("name").asText(group) + ".");
        return 0;
    }

    @Command(name = "leave", description = "Leave a group (leaving twice is fine).")
    int leave(@Parameters(paramLabel = "GROUP") String group) {
        api().leave(group);
        print(mapper.createObjectNode().put("group", group).put("member", false), "Left " + group + ".");
        return 0;
    }

    @Command(name = "listen", description = {
            "Print live messages until Ctrl-C: your groups' and your DMs, or one group's.",
            "A dropped connection is resumed from the last event, so nothing is missed or shown twice."})
    int listen(@Option(names = "--group", paramLabel = "GROUP", description = "Only this group.") String group,
               @Option(names = "--self", description = "Include your own messages.") boolean self,
               @Option(names = "--resume", paramLabel = "CURSOR",
                       description = "Start after this event id (the \"cursor\" of --json output) instead of now.")
               String resume) {
        ChorusApi client = api();
        LiveStreams streams = new LiveStreams(client);
        ResumeCursor cursor = resume != null ? new ResumeCursor(resume) : ResumeCursor.fromNow();
        PrintWriter out = out();
        PrintWriter err = err();
        EventStream.Listener printer = new EventStream.Listener() {
            private boolean connectedBefore;

            @Override
            public void connected() {
                // On stderr, so --json output stays one event per line; scripts can wait for it.
                err.println(connectedBefore ? "chorus: reconnected" : "chorus: listening; Ctrl-C stops");
                err.flush();
                connectedBefore = true;
            }

            @Override
            public void event(SseParser.Event event) {
                JsonNode message = parse(event.data());
                if (json) {
                    ObjectNode line = mapper.createObjectNode().put("cursor", event.id()).put("event", event.type());
                    line.set("message", message);
                    out.println(line);
                } else {
                    out.println(message.isObject() ? format.event(event.type(), message) : event.data());
                }
                out.flush();
            }

            @Override
            public void reconnecting(Duration delay, String reason) {
                err.println("chorus: connection lost (" + reason + "); reconnecting in " + delay.toMillis() + " ms");
                err.flush();
            }
        };
        EventStream stream = group != null ? streams.group(group, self, cursor, printer)
                : streams.everything(self, cursor, printer);
        stream.run();
        return 0;
    }

    @Command(name = "chat", description = {
            "Chat interactively, as in the classroom app: choose a peer or a group, then type lines.",
            "Messages from others appear as they arrive; 'exit' quits."})
    int chat() {
        ChorusApi client = api();
        String me = session().name();
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, inputCharset()));
        return new ChatSession(client, new LiveStreams(client), mapper, format, me, in, out(), err()).run();
    }

    Endpoints endpoints() {
        return Endpoints.resolve(gatewayUrl, usersUrl, dmsUrl, env);
    }

    CredentialStore store() {
        return new CredentialStore(CredentialStore.defaultFile(env, userHome), mapper);
    }

    private ChorusApi api() {
        if (api == null) {
            api = new ChorusApi(endpoints(), mapper, () -> session().accessToken());
        }
        return api;
    }

    private Credentials session() {
        Credentials credentials = store().load()
                .orElseThrow(() -> ChorusException.refused("not logged in; run: chorus login NAME"));
        if (credentials.expiredAt(Instant.now())) {
            throw ChorusException.refused("the session of " + credentials.name() + " has expired; run: chorus login "
                    + credentials.name());
        }
        return credentials;
    }

    private String password(boolean fromStdin, boolean confirm) {
        if (fromStdin) {
            String line;
            try {
                line = new BufferedReader(new InputStreamReader(stdin, inputCharset())).readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read standard input", e);
            }
            if (line == null || line.isEmpty()) {
                throw ChorusException.usage("--password-stdin: no password on standard input");
            }
            return line;
        }
        Console console = System.console();
        if (console == null) {
            throw ChorusException.usage("no terminal to ask for the password; pipe it in with --password-stdin");
        }
        char[] password = console.readPassword("Password: ");
        if (password == null || password.length == 0) {
            throw ChorusException.usage("no password given");
        }
        if (confirm) {
            char[] again = console.readPassword("Password again: ");
            boolean same = Arrays.equals(password, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                Arrays.fill(password, '\0');
                throw ChorusException.usage("the two passwords differ");
            }
        }
        String result = new String(password);
        Arrays.fill(password, '\0');
        return result;
    }

    private static Charset inputCharset() {
        // JDK 25 names the console's input encoding; before that stdin follows the default charset.
        String name = System.getProperty("stdin.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private void print(JsonNode document, String text) {
        if (json) {
            printJson(document);
        } else {
            out().println(text);
            out().flush();
        }
    }

    private void printJson(JsonNode document) {
        out().println(document.toString());
        out().flush();
    }

    private JsonNode parse(String data) {
        try {
            return mapper.readTree(data);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(data);
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
