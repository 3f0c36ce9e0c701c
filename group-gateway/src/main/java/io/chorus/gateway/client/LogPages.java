package io.chorus.gateway.client;

import io.chorus.gateway.stream.LiveEvent;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** Reads a log page after page, without blocking a thread, up to a maximum. */
final class LogPages {

    static final int PAGE = 1000;

    private LogPages() {
    }

    static Uni<List<LiveEvent>> collect(long after, int max, LongFunction<Uni<List<LiveEvent>>> pageAfter) {
        return collect(after, max, pageAfter, new ArrayList<>());
    }

    private static Uni<List<LiveEvent>> collect(long after, int max, LongFunction<Uni<List<LiveEvent>>> pageAfter,
                                                List<LiveEvent> collected) {
        return pageAfter.apply(after).flatMap(page -> {
            collected.addAll(page);
            if (page.size() < PAGE || collected.size() >= max) {
                return Uni.createFrom().item(collected.size() > max ? collected.subList(0, max) : collected);
            }
            return collect(page.getLast().position(), max, pageAfter, collected);
        });
    }
}
