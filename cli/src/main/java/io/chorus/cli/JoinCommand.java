package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "join", description = "Join a group (joining twice is fine).")
final class JoinCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Parameters(paramLabel = "GROUP")
    String group;

    @Override
    public Integer call() {
        JsonNode joined = chorus.api().join(group);
        chorus.print(joined, "Joined " + joined.path("name").asText(group) + ".");
        return 0;
    }
}
