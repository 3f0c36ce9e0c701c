package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The group list comes in pages (docs/api.md). Without --after or --limit every page is read,
 * following {@code next}, so the command lists every group as it did before paging; with either,
 * one page, and the {@code --after} of the following page is named on stderr.
 */
@Command(name = "groups", description = "List groups in name order; yours (--mine) with how many messages you have not read.")
final class GroupsCommand implements Callable<Integer> {

    /** More pages than a sane list has: a server whose next never ends must not keep the command running. */
    private static final int MAX_PAGES = 100_000;

    @ParentCommand
    Chorus chorus;

    @Option(names = "--mine", description = "Only the groups you belong to, with unread counts.")
    boolean mine;

    @Option(names = "--after", paramLabel = "GROUP", description = "One page: the groups after this one in name order.")
    String after;

    @Option(names = "--limit", paramLabel = "N", description = "One page of at most N groups (server default 50, max 200).")
    Integer limit;

    @Override
    public Integer call() {
        if (limit != null && limit < 1) {
            throw ChorusException.usage("--limit must be at least 1");
        }
        boolean onePage = after != null || limit != null;
        JsonNode page = chorus.api().groups(mine, after, limit);
        if (onePage && chorus.json) {
            chorus.printJson(page);
            return 0;
        }
        if (onePage) {
            print(page.path("groups"));
            if (page.hasNonNull("next")) {
                chorus.err().println("more: chorus groups" + (mine ? " --mine" : "") + " --after "
                        + MessageFormat.safe(page.path("next").asText()) + (limit == null ? "" : " --limit " + limit));
                chorus.err().flush();
            }
            return 0;
        }
        ArrayNode all = chorus.json ? chorus.mapper.createArrayNode() : null;
        for (int pages = 1; ; pages++) {
            if (all != null) {
                all.addAll((ArrayNode) page.path("groups"));
            } else {
                print(page.path("groups"));
            }
            if (!page.hasNonNull("next") || pages == MAX_PAGES) {
                break;
            }
            page = chorus.api().groups(mine, page.path("next").asText(), null);
        }
        if (all != null) {
            ObjectNode whole = chorus.mapper.createObjectNode();
            whole.set("groups", all);
            chorus.printJson(whole);
        }
        return 0;
    }

    private void print(JsonNode groups) {
        PrintWriter out = chorus.out();
        for (JsonNode group : groups) {
            int members = group.path("memberCount").asInt(-1);
            long unread = group.path("unread").asLong(0);
            out.println(MessageFormat.safe(group.path("name").asText())
                    + (members < 0 ? "" : "  (" + members + (members == 1 ? " member)" : " members)"))
                    + (unread > 0 ? "  " + unread + " unread" : ""));
        }
        out.flush();
    }
}
