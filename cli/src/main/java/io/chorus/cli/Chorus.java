package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The chorus command: its options, and what its subcommands (one class each) share: the API,
 * the session, and how results are printed. Exit codes are part of its interface: 0 done, 1
 * refused (the server said no, or there is no session), 2 usage, 3 a service could not be reached.
 */
@Command(name = "chorus", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "chorus 1.0.0",
        description = "Chorus from the command line: accounts, direct messages, groups, history and live events.",
        subcommands = {RegisterCommand.class, LoginCommand.class, LogoutCommand.class, WhoamiCommand.class,
            SendCommand.class, PostCommand.class, EditCommand.class, DeleteCommand.class, HistoryCommand.class,
            SearchCommand.class, ReadCommand.class, GroupsCommand.class, DmsCommand.class, CreateCommand.class,
            JoinCommand.class, LeaveCommand.class, WhoCommand.class, ListenCommand.class, ChatCommand.class,
            CommandLine.HelpCommand.class},
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
    final InputStream stdin;
    final ObjectMapper mapper = new ObjectMapper();
    final MessageFormat format = new MessageFormat(ZoneId.systemDefault());
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

    Endpoints endpoints() {
        return Endpoints.resolve(gatewayUrl, usersUrl, dmsUrl, env);
    }

    CredentialStore store() {
        return new CredentialStore(CredentialStore.defaultFile(env, userHome), mapper);
    }

    ChorusApi api() {
        if (api == null) {
            api = new ChorusApi(endpoints(), mapper, () -> session().accessToken());
        }
        return api;
    }

    Credentials session() {
        Credentials credentials = store().load()
                .orElseThrow(() -> ChorusException.refused("not logged in; run: chorus login NAME"));
        if (credentials.expiredAt(Instant.now())) {
            throw ChorusException.refused("the session of " + credentials.name() + " has expired; run: chorus login "
                    + credentials.name());
        }
        return credentials;
    }

    String password(boolean fromStdin, boolean confirm) {
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

    static Charset inputCharset() {
        // JDK 25 names the console's input encoding; before that stdin follows the default charset.
        String name = System.getProperty("stdin.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    void print(JsonNode document, String text) {
        if (json) {
            printJson(document);
        } else {
            out().println(text);
            out().flush();
        }
    }

    /** A page of messages, one line each, or the page's JSON. */
    int printHistory(JsonNode page) {
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

    void printJson(JsonNode document) {
        out().println(document.toString());
        out().flush();
    }

    JsonNode parse(String data) {
        try {
            return mapper.readTree(data);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(data);
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
