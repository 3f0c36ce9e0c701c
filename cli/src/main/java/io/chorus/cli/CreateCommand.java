package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

@Command(name = "create", description = "Create a group; you become its first member and its owner.")
final class CreateCommand extends GroupCommand {

    @Override
    public Integer call() {
        JsonNode created = chorus.api().createGroup(group);
        chorus.print(created, "Created " + created.path("name").asText(group) + ".");
        return 0;
    }
}
