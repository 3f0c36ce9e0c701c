package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GatheredReplaysTest {

    private final AtomicInteger reads = new AtomicInteger();
    private final GatheredReplays replays = new GatheredReplays((groups, after) -> {
        reads.incrementAndGet();
        return Uni.createFrom().item(ReplayPage.of(List.of(new LiveEvent(LiveEvent.Log.GROUP, "group-message", after + 1,
                groups.getFirst(), "alice", null, "{}")), 100, 1 << 20));
    }, Duration.ofMillis(200));

    @Test
    void streamsResumingFromOneCursorTogetherShareOneRead() {
        Uni<ReplayPage> first = replays.groupPage(List.of("garden"), 41);
        first.subscribe().with(ignored -> { });
        Uni<ReplayPage> second = replays.groupPage(List.of("garden"), 41);
        assertSame(first, second, "asked while the first read had not started: the same read");
        assertEquals(42, second.await().atMost(Duration.ofSeconds(5)).last());
        assertEquals(1, reads.get());
    }

    @Test
    void anotherCursorOrGroupIsAReadOfItsOwn() {
        replays.groupPage(List.of("garden"), 41).await().atMost(Duration.ofSeconds(5));
        replays.groupPage(List.of("garden"), 40).await().atMost(Duration.ofSeconds(5));
        replays.groupPage(List.of("kitchen"), 41).await().atMost(Duration.ofSeconds(5));
        assertEquals(3, reads.get());
    }

    @Test
    void aStreamAskingOnceTheReadStartedGetsAFreshRead() {
        // It may have registered after the first read began: sharing that read could miss what came between.
        replays.groupPage(List.of("garden"), 41).await().atMost(Duration.ofSeconds(5));
        assertEquals(0, replays.gathering(), "a started read leaves the gathering");
        replays.groupPage(List.of("garden"), 41).await().atMost(Duration.ofSeconds(5));
        assertEquals(2, reads.get());
    }
}
