package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "who", description = "Who of a group's members is online (holds a live stream) now.")
final class WhoCommand extends GroupCommand {

    @Override
    public Integer call() {
        JsonNode presence = chorus.api().presence(group);
        List<String> names = new ArrayList<>();
        presence.path("online").forEach(name -> names.add(MessageFormat.safe(name.asText())));
        chorus.print(presence, names.isEmpty() ? "No one in " + group + " is online." : "Online in " + group + ": "
                + String.join(", ", names));
        return 0;
    }
}
