package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

@Command(name = "join", description = "Join a group (joining twice is fine).")
final class JoinCommand extends GroupCommand {

    @Override
    public Integer call() {
        JsonNode joined = chorus.api().join(group);
        chorus.print(joined, "Joined " + joined.path("name").asText(group) + ".");
        return 0;
    }
}
