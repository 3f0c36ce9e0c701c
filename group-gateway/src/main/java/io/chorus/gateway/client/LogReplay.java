package io.chorus.gateway.client;

import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.Replay;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** Replays from history-service and dm-service page by page, without blocking a thread. */
public class LogReplay implements Replay {

    static final int PAGE = 1000;

    private final HistoryClient history;
    private final DmClient dms;
    private final Json json;

    public LogReplay(HistoryClient history, DmClient dms, Json json) {
        this.history = history;
        this.dms = dms;
        this.json = json;
    }

    @Override
    public Uni<List<LiveEvent>> groupMessages(List<String> groups, long after, int max) {
        if (groups.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return collect(after, max, position -> history.afterIn(position, groups, PAGE)
                .map(page -> page.entries().stream().map(json::event).toList()), new ArrayList<>())
                .onFailure().transform(e -> Upstream.translate("history-service", e));
    }

    @Override
    public Uni<List<LiveEvent>> directMessages(String user, long after, int max) {
        return collect(after, max, position -> dms.afterFor(position, user, PAGE)
                .map(page -> page.messages().stream().map(json::event).toList()), new ArrayList<>())
                .onFailure().transform(e -> Upstream.translate("dm-service", e));
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
