package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "register", description = "Create an account. The password is asked for without echo.")
final class RegisterCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Parameters(paramLabel = "NAME", description = "1-32 of letters, digits, _ - .")
    String name;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() {
        String password = chorus.password(passwordStdin, true);
        JsonNode user = chorus.api().register(name, password);
        chorus.print(user, "Registered " + user.path("name").asText(name) + ". Log in with: chorus login " + name);
        return 0;
    }
}
