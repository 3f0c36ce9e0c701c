package io.chorus.cli;

import picocli.CommandLine.Option;

/** The paging options of history and search. */
final class PageOptions {

    @Option(names = "--limit", paramLabel = "N", description = "At most N messages (server default 50, max 1000).")
    Integer limit;

    @Option(names = "--before", paramLabel = "ID", description = "The last N messages before this id.")
    Long before;

    @Option(names = "--after", paramLabel = "ID", description = "The first N messages after this id.")
    Long after;

    ChorusApi.Page page() {
        if (limit != null && limit < 1) {
            throw ChorusException.usage("--limit must be at least 1");
        }
        return new ChorusApi.Page(limit, before, after);
    }
}
