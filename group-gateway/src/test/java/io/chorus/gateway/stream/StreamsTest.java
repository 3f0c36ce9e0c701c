package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import io.smallrye.mutiny.Uni;
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
    private final LoopWriter loop = new LoopWriter(Runnable::run);
    private int ended;

    private LiveEvent post(String sender) {
        LiveEvent event = new LiveEvent(LiveEvent.Log.GROUP, "group-message", groupLogContent.size() + 1, "garden", sender, null,
                "{\"id\":" + (groupLogContent.size() + 1) + "}");
        groupLogContent.add(event);
        return event;
    }

    private RecordingSink group(Streams on, String user, String group, String lastEventId) {
        RecordingSink sink = new RecordingSink();
        on.group(user, group, false, lastEventId, sink, loop, () -> ended++);
        return sink;
    }

    @Test
    void aStreamTakesAPlaceAndGivesItBackWhenItEnds() {
        StreamAdmission admission = new StreamAdmission(1000, 2);
        Streams capped = new Streams(fanout, memberships, groupLog, dmLog, replay, 16, 100, admission);
        memberships.add("garden", "bob");
        replayArrives.complete(null);
        RecordingSink firstSink = new RecordingSink();
        Subscriber first = capped.group("bob", "garden", false, null, firstSink, loop, () -> ended++);
        capped.everything("bob", List.of("garden"), false, null, new RecordingSink(), loop, () -> ended++);
        assertEquals(2, admission.open());
        RecordingSink refusedSink = new RecordingSink();
        ProblemException refused = assertThrows(ProblemException.class,
                () -> capped.group("bob", "garden", false, null, refusedSink, loop, () -> ended++));
        assertEquals(429, refused.status());
        assertFalse(refusedSink.opened, "a refused stream writes nothing: the caller answers with the problem");
        first.closed();
        assertEquals(1, admission.open(), "the client going away gave the place back");
        assertEquals(1, ended);
        group(capped, "bob", "garden", null);
        assertEquals(2, admission.open());
        // A stream that cannot even open (a malformed cursor) takes no place.
        assertThrows(ProblemException.class, () -> group(capped, "ann", "garden", "x:y"));
        assertEquals(2, admission.open());
        assertEquals(2, fanout.subscriberCount());
    }

    @Test
    void refusesStreamsBeyondTheGatewaysCapacityWith503() {
        StreamAdmission admission = new StreamAdmission(2, 0);
        Streams capped = new Streams(fanout, memberships, groupLog, dmLog, replay, 16, 100, admission);
        memberships.add("garden", "bob");
        memberships.add("garden", "ann");
        replayArrives.complete(null);
        group(capped, "bob", "garden", null);
        group(capped, "ann", "garden", null);
        ProblemException refused = assertThrows(ProblemException.class, () -> group(capped, "ann", "garden", null));
        assertEquals(503, refused.status());
        assertTrue(refused.retryAfterSeconds() > 0, "says when to retry");
        assertEquals(2, fanout.subscriberCount(), "the refused stream is not in the fan-out");
    }

    @Test
    void opensWithTheCurrentPositionThenGoesLive() {
        memberships.add("garden", "bob");
        post("alice");
        post("alice");
        groupLog.catchUp();
        replayArrives.complete(null);
        RecordingSink bob = group(streams, "bob", "garden", null);
        assertTrue(bob.text().startsWith(":cursor\nid: 2\n\n"), bob.text());
        groupLog.offer(post("alice"));
        assertEquals(List.of("3"), bob.eventIds());
        assertEquals(List.of("group-message"), bob.eventTypes());
    }

    @Test
    void resumesWithWhatWasMissedThenLiveWithoutRepeats() {
        memberships.add("garden", "bob");
        for (int i = 0; i < 5; i++) {
            post("alice");
        }
        groupLog.catchUp();
        RecordingSink bob = group(streams, "bob", "garden", "2");
        // Message 6 arrives live while history is still answering; the replay will contain it too.
        groupLog.offer(post("alice"));
        assertEquals(List.of(), bob.eventIds(), "live events wait for the replay");
        replayArrives.complete(null);
        groupLog.offer(post("alice"));
        assertEquals(List.of("3", "4", "5", "6", "7"), bob.eventIds());
        assertTrue(bob.text().startsWith(":cursor\nid: 2\n\n"));
    }

    @Test
    void everythingStreamIdsCarryBothLogsAndSkipOwnMessages() {
        memberships.add("garden", "bob");
        groupLog.catchUp();
        dmLog.catchUp();
        replayArrives.complete(null);
        RecordingSink bob = new RecordingSink();
        streams.everything("bob", List.of("garden"), false, null, bob, loop, () -> ended++);
        groupLog.offer(post("bob"));
        groupLog.offer(post("alice"));
        assertTrue(bob.text().startsWith(":cursor\nid: 0-0\n\n"));
        assertEquals(List.of("2-0"), bob.eventIds(), "bob's own message 1 is not echoed");
    }

    @Test
    void endsTheStreamCleanlyWhenTheSubscriberFallsBehind() {
        memberships.add("garden", "bob");
        groupLog.catchUp();
        replayArrives.complete(null);
        RecordingSink slow = group(streams, "bob", "garden", null);
        slow.full = true;
        for (int i = 0; i < 40; i++) {
            groupLog.offer(post("alice"));
        }
        assertTrue(slow.ended);
        assertEquals(1, ended);
        assertEquals(0, fanout.subscriberCount(), "a cut-off stream leaves the fan-out");
    }

    @Test
    void aReplayTooLongForOneGoEndsTheStreamForTheClientToResume() {
        memberships.add("garden", "bob");
        for (int i = 0; i < 150; i++) {
            post("alice");
        }
        groupLog.catchUp();
        replayArrives.complete(null);
        RecordingSink bob = group(streams, "bob", "garden", "0");
        assertEquals(100, bob.eventIds().size(), "at most maxReplay events on one connection");
        assertEquals("100", bob.eventIds().getLast());
        assertTrue(bob.ended);
        assertEquals(0, fanout.subscriberCount());
    }
}
