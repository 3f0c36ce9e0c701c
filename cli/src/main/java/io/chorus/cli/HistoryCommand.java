package io.chorus.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "history", description = "Read history, oldest first within the page; each message as it now is.",
        subcommands = CommandLine.HelpCommand.class)
final class HistoryCommand {

    @ParentCommand
    Chorus chorus;

    @Command(name = "group", description = "A group's messages (members only).")
    int group(@Parameters(paramLabel = "GROUP") String group, @CommandLine.Mixin PageOptions page) {
        return chorus.printHistory(chorus.api().groupHistory(group, page.page()));
    }

    @Command(name = "dm", description = "Your conversation with one user.")
    int dm(@Parameters(paramLabel = "USER") String peer, @CommandLine.Mixin PageOptions page) {
        return chorus.printHistory(chorus.api().directHistory(peer, page.page()));
    }
}
