package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "edit", description = "Change the text of a message you sent (its id is in history, as #ID).",
        subcommands = CommandLine.HelpCommand.class)
final class EditCommand {

    @ParentCommand
    Chorus chorus;

    @Command(name = "group", description = "Edit your message in a group.")
    int group(@Parameters(index = "0", paramLabel = "GROUP") String group, @Parameters(index = "1", paramLabel = "ID") long id,
              @Parameters(index = "2..*", arity = "1..*", paramLabel = "TEXT") List<String> words) {
        return edited(chorus.api().edit(Conversation.Kind.GROUP, group, id, String.join(" ", words)));
    }

    @Command(name = "dm", description = "Edit a DM you sent to USER.")
    int dm(@Parameters(index = "0", paramLabel = "USER") String peer, @Parameters(index = "1", paramLabel = "ID") long id,
           @Parameters(index = "2..*", arity = "1..*", paramLabel = "TEXT") List<String> words) {
        return edited(chorus.api().edit(Conversation.Kind.DIRECT, peer, id, String.join(" ", words)));
    }

    private int edited(JsonNode message) {
        chorus.print(message, "Edited #" + message.path("id").asText() + ".");
        return 0;
    }
}
