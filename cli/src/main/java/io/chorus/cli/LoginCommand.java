package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "login", description = "Log in and keep the access token in ~/.config/chorus/credentials.json (mode 600).")
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() {
        String password = chorus.password(passwordStdin, false);
        JsonNode token = chorus.api().login(name, password);
        Instant expiresAt = token.hasNonNull("expiresIn")
                ? Instant.now().plusSeconds(token.path("expiresIn").asLong()) : null;
        chorus.store().save(new Credentials(name, token.path("accessToken").asText(), expiresAt));
        ObjectNode result = chorus.mapper.createObjectNode().put("name", name);
        if (expiresAt != null) {
            result.put("expiresAt", expiresAt.toString());
        }
        chorus.print(result, "Logged in as " + name + (expiresAt == null ? "." : " until " + expiresAt + "."));
        return 0;
    }
}
