package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "groups", description = "List groups; yours (--mine) with how many messages you have not read.")
final class GroupsCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Option(names = "--mine", description = "Only the groups you belong to, with unread counts.")
    boolean mine;

    @Override
    public Integer call() {
        JsonNode groups = chorus.api().groups(mine);
        if (chorus.json) {
            chorus.printJson(groups);
            return 0;
        }
        PrintWriter out = chorus.out();
        for (JsonNode group : groups.path("groups")) {
            int members = group.path("memberCount").asInt(-1);
            long unread = group.path("unread").asLong(0);
            out.println(MessageFormat.safe(group.path("name").asText())
                    + (members < 0 ? "" : "  (" + members + (members == 1 ? " member)" : " members)"))
                    + (unread > 0 ? "  " + unread + " unread" : ""));
        }
        out.flush();
        return 0;
    }
}
