package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "create", description = "Create a group; you become its first member and its owner.")
final class CreateCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Parameters(paramLabel = "GROUP")
    String group;

    @Override
    public Integer call() {
        JsonNode created = chorus.api().createGroup(group);
        chorus.print(created, "Created " + created.path("name").asText(group) + ".");
        return 0;
    }
}
