package io.chorus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "logout", description = "Forget the saved access token.")
final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Override
    public Integer call() {
        boolean removed = chorus.store().delete();
        chorus.print(chorus.mapper.createObjectNode().put("loggedOut", removed), removed ? "Logged out." : "Not logged in.");
        return 0;
    }
}
