package io.chorus.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete", description = {"Delete a message: your own, or any in a group you own.",
    "It stays in history as a tombstone, without its text."}, subcommands = CommandLine.HelpCommand.class)
final class DeleteCommand {

    @ParentCommand
    Chorus chorus;

    @Command(name = "group", description = "Delete a message of a group.")
    int group(@Parameters(index = "0", paramLabel = "GROUP") String group, @Parameters(index = "1", paramLabel = "ID") long id) {
        chorus.api().delete(Conversation.Kind.GROUP, group, id);
        return deleted(id);
    }

    @Command(name = "dm", description = "Delete a DM you sent to USER.")
    int dm(@Parameters(index = "0", paramLabel = "USER") String peer, @Parameters(index = "1", paramLabel = "ID") long id) {
        chorus.api().delete(Conversation.Kind.DIRECT, peer, id);
        return deleted(id);
    }

    private int deleted(long id) {
        chorus.print(chorus.mapper.createObjectNode().put("id", id).put("deleted", true), "Deleted #" + id + ".");
        return 0;
    }
}
