package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StreamsTest {

    private final Memberships memberships = new Memberships();
    private final Fanout fanout = new Fanout(memberships);
    private final List<LiveEvent> groupLogContent = new ArrayList<>();
    private final LogFollower groupLog = new LogFollower("groups", new LogFollower.Source() {
        @Override
        public long head() {
            return groupLogContent.size();
        }

        @Override
        public List<LiveEvent> after(long position, int limit) {
            return groupLogContent.stream().filter(e -> e.position() > position).limit(limit).toList();
        }
    }, fanout::deliver);
    private final LogFollower dmLog = new LogFollower("dms", new LogFollower.Source() {
        @Override
        public long head() {
            return 0;
        }

        @Override
        public List<LiveEvent> after(long position, int limit) {
            return List.of();
        }
    }, fanout::deliver);
    /** Completed by each test when it wants the replay to "arrive" from history-service. */
    private final CompletableFuture<Void> replayArrives = new CompletableFuture<>();
    private final Replay replay = new Replay() {
        @Override
        public Uni<List<LiveEvent>> groupMessages(List<String> groups, long after, int max) {
            return Uni.createFrom().completionStage(replayArrives).map(ignored -> groupLogContent.stream()
                    .filter(e -> e.position() > after && groups.stream().anyMatch(g -> g.equalsIgnoreCase(e.groupKey())))
                    .limit(max).toList());
        }

        @Override
        public Uni<List<LiveEvent>> directMessages(String user, long after, int max) {
            return Uni.createFrom().item(List.of());
        }
    };
    private final Streams streams = new Streams(fanout, memberships, groupLog, dmLog, replay, 16, 100,
            new StreamAdmission(1000, 20));

    private LiveEvent post(String sender) {
        LiveEvent event = new LiveEvent(LiveEvent.Log.GROUP, "group-message", groupLogContent.size() + 1, "garden", sender, null,
                "{\"id\":" + (groupLogContent.size() + 1) + "}");
        groupLogContent.add(event);
        return event;
    }

    private static List<String> ids(AssertSubscriber<StreamItem> subscriber) {
        return subscriber.getItems().stream().filter(item -> !item.isHeartbeat()).map(StreamItem::id).toList();
    }

    @Test
    void aStreamTakesAPlaceAndGivesItBackWhenItEnds() {
        StreamAdmission admission = new StreamAdmission(1000, 2);
        Streams capped = new Streams(fanout, memberships, groupLog, dmLog, replay, 16, 100, admission);
        memberships.add("garden", "bob");
        replayArrives.complete(null);
        AssertSubscriber<StreamItem> first = capped.group("bob", "garden", false, null)
                .subscribe().withSubscriber(AssertSubscriber.create(100));
        capped.everything("bob", List.of("garden"), false, null).subscribe().withSubscriber(AssertSubscriber.create(100));
        assertEquals(2, admission.open());
        io.chorus.common.error.ProblemException refused = org.junit.jupiter.api.Assertions.assertThrows(
                io.chorus.common.error.ProblemException.class, () -> capped.group("bob", "garden", false, null));
        assertEquals(429, refused.status());
        first.cancel();
        assertEquals(1, admission.open(), "the client going away gave the place back");
        capped.group("bob", "garden", false, null).subscribe().withSubscriber(AssertSubscriber.create(100));
        assertEquals(2, admission.open());
        // A stream that cannot even open (a malformed cursor) takes no place.
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> capped.group("ann", "garden", false, "x:y"));
        assertEquals(2, admission.open());
    }

    @Test
    void opensWithTheCurrentPositionThenGoesLive() {
        memberships.add("garden", "bob");
        post("alice");
        post("alice");
        groupLog.catchUp();
        replayArrives.complete(null);
        AssertSubscriber<StreamItem> bob = streams.group("bob", "garden", false, null)
                .subscribe().withSubscriber(AssertSubscriber.create(100));
        assertTrue(bob.getItems().getFirst().isCursor());
        groupLog.offer(post("alice"));
        assertEquals(List.of("2", "3"), ids(bob));
        assertEquals("group-message", bob.getItems().getLast().event());
    }

    @Test
    void resumesWithWhatWasMissedThenLiveWithoutRepeats() {
        memberships.add("garden", "bob");
        for (int i = 0; i < 5; i++) {
            post("alice");
        }
        groupLog.catchUp();
        AssertSubscriber<StreamItem> bob = streams.group("bob", "garden", false, "2")
                .subscribe().withSubscriber(AssertSubscriber.create(100));
        // Message 6 arrives live while history is still answering; the replay will contain it too.
        groupLog.offer(post("alice"));
        replayArrives.complete(null);
        groupLog.offer(post("alice"));
        assertEquals(List.of("2", "3", "4", "5", "6", "7"), ids(bob));
    }

    @Test
    void everythingStreamIdsCarryBothLogsAndSkipOwnMessages() {
        memberships.add("garden", "bob");
        groupLog.catchUp();
        dmLog.catchUp();
        replayArrives.complete(null);
        AssertSubscriber<StreamItem> bob = streams.everything("bob", List.of("garden"), false, null)
                .subscribe().withSubscriber(AssertSubscriber.create(100));
        groupLog.offer(post("bob"));
        groupLog.offer(post("alice"));
        assertEquals(List.of("0-0", "2-0"), ids(bob), "bob's own message 1 is not echoed");
    }

    @Test
    void endsTheStreamCleanlyWhenTheSubscriberFallsBehind() {
        memberships.add("garden", "bob");
        groupLog.catchUp();
        replayArrives.complete(null);
        AssertSubscriber<StreamItem> slow = streams.group("bob", "garden", false, null)
                .subscribe().withSubscriber(AssertSubscriber.create(1));
        for (int i = 0; i < 40; i++) {
            groupLog.offer(post("alice"));
        }
        slow.request(100);
        slow.assertCompleted();
        assertEquals(0, fanout.subscriberCount(), "a cut-off stream leaves the fan-out");
    }
}
