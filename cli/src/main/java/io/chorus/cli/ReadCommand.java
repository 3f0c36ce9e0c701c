package io.chorus.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "read", description = {"Mark a conversation read up to a message (default: all of it).",
    "The marker only moves forward; unread counts in 'groups --mine' and 'dms' start after it."},
        subcommands = CommandLine.HelpCommand.class)
final class ReadCommand {

    /** Past any id: the services take one past the newest as the newest. */
    private static final long EVERYTHING = Long.MAX_VALUE;

    @ParentCommand
    Chorus chorus;

    @Command(name = "group", description = "Mark a group read.")
    int group(@Parameters(index = "0", paramLabel = "GROUP") String group,
              @Parameters(index = "1", arity = "0..1", paramLabel = "ID") Long upTo) {
        chorus.api().markRead(Conversation.Kind.GROUP, group, upTo == null ? EVERYTHING : upTo);
        return marked(group, upTo);
    }

    @Command(name = "dm", description = "Mark your conversation with USER read.")
    int dm(@Parameters(index = "0", paramLabel = "USER") String peer,
           @Parameters(index = "1", arity = "0..1", paramLabel = "ID") Long upTo) {
        chorus.api().markRead(Conversation.Kind.DIRECT, peer, upTo == null ? EVERYTHING : upTo);
        return marked(peer, upTo);
    }

    private int marked(String name, Long upTo) {
        var result = chorus.mapper.createObjectNode().put("conversation", name);
        if (upTo != null) {
            result.put("upTo", upTo);
        }
        chorus.print(result, "Marked " + name + " read" + (upTo == null ? "." : " up to #" + upTo + "."));
        return 0;
    }
}
