package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
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
    /** Entries per replay page. */
    private static final int PAGE = 10;
    /** The pages read, by the position each started after. */
    private final List<Long> pagesRead = new ArrayList<>();
    private final Replay replay = new Replay() {
        @Override
        public Uni<ReplayPage> groupPage(List<String> groups, long after) {
            return Uni.createFrom().completionStage(replayArrives).map(ignored -> {
                pagesRead.add(after);
                return ReplayPage.of(groupLogContent.stream()
                        .filter(e -> e.position() > after && groups.stream().anyMatch(g -> g.equalsIgnoreCase(e.groupKey())))
                        .limit(PAGE).toList(), PAGE, 1 << 20);
            });
        }

        @Override
        public Uni<ReplayPage> dmPage(String user, long after) {
            return Uni.createFrom().item(ReplayPage.LAST_EMPTY);
        }
    };
    private static final StreamBounds BOUNDS = new StreamBounds(16, 1 << 20, 100, Duration.ofSeconds(60));
    private final Streams streams = new Streams(fanout, memberships, groupLog, dmLog, replay, BOUNDS,
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

    StreamsTest() {
        // A started gateway: its follower knows the log's head (empty here).
        groupLog.catchUp();
    }

    @Test
    void refusesStreamsUntilItsFollowerKnowsTheLogsHead() {
        LogFollower unstarted = new LogFollower("groups", new LogFollower.Source() {
            @Override
            public long head() {
                return 0;
            }

            @Override
            public List<LiveEvent> after(long position, int limit) {
                return List.of();
            }
        }, fanout::deliver);
        StreamAdmission admission = new StreamAdmission(1000, 2);
        Streams starting = new Streams(fanout, memberships, unstarted, dmLog, replay, BOUNDS, admission);
        memberships.add("garden", "bob");
        RecordingSink sink = new RecordingSink();
        ProblemException refused = assertThrows(ProblemException.class,
                () -> starting.group("bob", "garden", false, null, sink, loop, () -> ended++));
        assertEquals(503, refused.status());
        assertEquals(1, refused.retryAfterHeader());
        assertFalse(sink.opened, "a refused stream writes nothing");
        assertEquals(0, admission.open(), "and takes no place");
        unstarted.catchUp();
        starting.group("bob", "garden", false, null, sink, loop, () -> ended++);
        assertTrue(sink.opened, "once the follower knows the head, streams open");
    }

    @Test
    void aStreamTakesAPlaceAndGivesItBackWhenItEnds() {
        StreamAdmission admission = new StreamAdmission(1000, 2);
        Streams capped = new Streams(fanout, memberships, groupLog, dmLog, replay, BOUNDS, admission);
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
        Streams capped = new Streams(fanout, memberships, groupLog, dmLog, replay, BOUNDS, admission);
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

    @Test
    void readsTheNextReplayPageOnlyOnceTheConnectionTookTheLast() {
        memberships.add("garden", "bob");
        for (int i = 0; i < 35; i++) {
            post("alice");
        }
        groupLog.catchUp();
        replayArrives.complete(null);
        RecordingSink bob = new RecordingSink();
        bob.full = true;
        streams.group("bob", "garden", false, "0", bob, loop, () -> ended++);
        assertEquals(List.of(0L), pagesRead, "one page, then a wait for the client to read it");
        assertEquals(PAGE, bob.eventIds().size());
        groupLog.offer(post("alice"));
        assertEquals(PAGE, bob.eventIds().size(), "live events wait behind the replay");
        bob.drain();
        assertEquals(List.of(0L, 10L, 20L, 30L), pagesRead, "drained: the rest, page by page");
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 36; i++) {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, bob.eventIds(), "every entry once, in order, then live");
    }

    @Test
    void leavesOutWhatAGroupSaidBeforeTheMembersJoinWhateverPageTheJoinIsOn() {
        for (int i = 0; i < 25; i++) {
            post("alice");
        }
        memberships.add("garden", "bob", 26);
        for (int i = 0; i < 5; i++) {
            post("alice");
        }
        groupLog.catchUp();
        replayArrives.complete(null);
        RecordingSink bob = group(streams, "bob", "garden", "0");
        assertEquals(List.of("26", "27", "28", "29", "30"), bob.eventIds());
    }

    @Test
    void aConnectionThatTakesNothingIsDroppedAndGivesItsReplayRoomBack() {
        StreamAdmission admission = new StreamAdmission(1000, 20, 1);
        StreamBounds stallAtOnce = new StreamBounds(16, 1 << 20, 100, Duration.ofNanos(1));
        Streams roomForOne = new Streams(fanout, memberships, groupLog, dmLog, replay, stallAtOnce, admission);
        memberships.add("garden", "bob");
        memberships.add("garden", "ann");
        for (int i = 0; i < 30; i++) {
            post("alice");
        }
        groupLog.catchUp();
        replayArrives.complete(null);
        RecordingSink stalled = new RecordingSink();
        stalled.full = true;
        Subscriber bob = roomForOne.group("bob", "garden", false, "0", stalled, loop, () -> ended++);
        RecordingSink waiting = new RecordingSink();
        roomForOne.group("ann", "garden", false, "0", waiting, loop, () -> ended++);
        assertEquals(1, admission.replayRoom().taken());
        assertEquals(1, admission.replayRoom().waiting(), "ann waits for room while bob's page is unread");
        assertEquals(List.of(), waiting.eventIds());
        bob.heartbeat();
        assertTrue(stalled.abandoned, "a stalled connection is dropped, not ended behind what it never read");
        assertEquals(30, waiting.eventIds().size(), "ann got the room and her whole replay");
        assertEquals(0, admission.replayRoom().taken());
        assertEquals(1, fanout.subscriberCount(), "bob left the fan-out");
    }
}
