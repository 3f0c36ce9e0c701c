package io.chorus.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "search", description = "Find the messages holding every word, paged like history.",
        subcommands = CommandLine.HelpCommand.class)
final class SearchCommand {

    @ParentCommand
    Chorus chorus;

    @Command(name = "group", description = "Search a group's history (members only).")
    int group(@Parameters(index = "0", paramLabel = "GROUP") String group,
              @Parameters(index = "1..*", arity = "1..*", paramLabel = "WORD") List<String> words,
              @CommandLine.Mixin PageOptions page) {
        return chorus.printHistory(chorus.api().search(Conversation.Kind.GROUP, group, String.join(" ", words), page.page()));
    }

    @Command(name = "dm", description = "Search your conversation with one user.")
    int dm(@Parameters(index = "0", paramLabel = "USER") String peer,
           @Parameters(index = "1..*", arity = "1..*", paramLabel = "WORD") List<String> words,
           @CommandLine.Mixin PageOptions page) {
        return chorus.printHistory(chorus.api().search(Conversation.Kind.DIRECT, peer, String.join(" ", words), page.page()));
    }
}
