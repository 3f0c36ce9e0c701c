package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "dms", description = "List your conversations, newest first, with how many of the peer's DMs you have not read.")
final class DmsCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Option(names = "--limit", paramLabel = "N", description = "At most N conversations (default 50).")
    int limit = 50;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw ChorusException.usage("--limit must be at least 1");
        }
        JsonNode conversations = chorus.api().conversations(limit);
        if (chorus.json) {
            chorus.printJson(conversations);
            return 0;
        }
        PrintWriter out = chorus.out();
        for (JsonNode conversation : conversations.path("conversations")) {
            long unread = conversation.path("unread").asLong(0);
            out.println(MessageFormat.safe(conversation.path("peer").asText()) + (unread > 0 ? "  " + unread + " unread" : "")
                    + "  " + chorus.format.history(conversation.path("lastMessage")));
        }
        out.flush();
        return 0;
    }
}
