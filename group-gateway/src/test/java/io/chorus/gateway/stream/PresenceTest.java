package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PresenceTest {

    /** The shared table of two replicas: this one's rows, and the other replica's, set by the test. */
    private final Map<String, String> here = new HashMap<>();
    private final Map<String, String> elsewhere = new HashMap<>();
    private final Presence.Store store = new Presence.Store() {
        @Override
        public void write(Map<String, String> added, Set<String> removed) {
            here.putAll(added);
            here.keySet().removeAll(removed);
        }

        @Override
        public Map<String, String> online() {
            Map<String, String> all = new HashMap<>(elsewhere);
            all.putAll(here);
            return all;
        }
    };
    private Instant now = Instant.parse("2026-12-04T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final Memberships memberships = new Memberships();
    private final Fanout fanout = new Fanout(memberships);
    private final LoopWriter loop = new LoopWriter(Runnable::run);

    private RecordingSink stream(String user) {
        RecordingSink sink = new RecordingSink();
        Subscriber subscriber = new Subscriber(user, null, false, memberships, StreamBounds.ofEvents(64), sink, loop);
        fanout.register(subscriber);
        subscriber.start(new StreamCursor(0, 0));
        return sink;
    }

    private Presence presence(int maxGroupSize) {
        return new Presence(store, fanout, memberships, Object::toString, clock, maxGroupSize);
    }

    private static long presenceEvents(RecordingSink sink) {
        return sink.eventTypes().stream().filter("presence"::equals).count();
    }

    @Test
    void announcesComingAndGoingOnlyAfterTheGraceAndOnlyToSharedGroups() {
        memberships.add("garden", "alice");
        memberships.add("garden", "bob");
        memberships.add("kitchen", "bob");
        memberships.add("kitchen", "alice");
        RecordingSink bob = stream("bob");
        RecordingSink carol = stream("carol");
        Presence presence = presence(100);
        presence.sync();  // the first sync learns who is online, and tells no one

        presence.opened("Alice");
        presence.sync();
        assertTrue(bob.text().contains("data: Shown[user=Alice, online=true]"), bob.text());
        assertEquals(1, presenceEvents(bob), "one event, though bob shares two groups with alice");
        assertEquals(0, presenceEvents(carol), "carol shares no group with alice");
        assertEquals(Set.of("Alice"), presence.onlineIn("garden"));

        presence.closed("Alice");
        now = now.plus(Duration.ofSeconds(9));
        presence.sync();
        presence.opened("alice");
        now = now.plus(Duration.ofSeconds(5));
        presence.sync();
        assertEquals(1, presenceEvents(bob), "a reconnect inside the grace is no news");

        presence.closed("alice");
        now = now.plus(Presence.GRACE).plusSeconds(1);
        presence.sync();
        assertTrue(bob.text().contains("data: Shown[user=Alice, online=false]"), bob.text());
        assertEquals(2, presenceEvents(bob));
        assertEquals(Map.of(), here, "this replica's row is gone from the shared table");
    }

    @Test
    void someoneOnlineOnAnotherReplicaIsAnnouncedAndGroupsPastTheCapHearNothing() {
        for (int i = 0; i < 5; i++) {
            memberships.add("crowd", "member" + i);
        }
        memberships.add("pair", "member0");
        memberships.add("pair", "dave");
        RecordingSink member1 = stream("member1");
        RecordingSink member0 = stream("member0");
        Presence presence = presence(3);
        presence.sync();
        elsewhere.put("dave", "Dave");
        elsewhere.put("member2", "member2");
        presence.sync();
        assertTrue(member0.text().contains("Shown[user=Dave, online=true]"), member0.text());
        assertEquals(1, presenceEvents(member0), "member2's group of five is past the cap of three");
        assertEquals(0, presenceEvents(member1));
        elsewhere.remove("dave");
        presence.sync();
        assertTrue(member0.text().contains("Shown[user=Dave, online=false]"), "the other replica's heartbeat went stale");
    }

    @Test
    void aMemberOnlineWhenTheyJoinIsAnnouncedRightAfterTheirJoin() {
        memberships.add("garden", "ann");
        RecordingSink ann = stream("ann");
        Presence presence = presence(100);
        presence.sync();
        elsewhere.put("ben", "Ben");
        presence.sync();
        assertEquals(0, presenceEvents(ann), "ben shares no group with ann yet");
        MembershipFeed feed = new MembershipFeed(memberships, fanout, new MembershipFeed.Projection() {
            @Override
            public MembershipFeed.Snapshot snapshot() {
                return new MembershipFeed.Snapshot(0, Map.of());
            }

            @Override
            public void record(LiveEvent entry) {
            }
        }, presence);
        feed.accept(new LiveEvent(LiveEvent.Log.GROUP, "member-joined", 7, "garden", "ben", null, "{}"));
        assertEquals(List.of("member-joined", "presence"), ann.eventTypes(), ann.text());
        assertTrue(ann.text().contains("Shown[user=Ben, online=true]"), ann.text());
        feed.accept(new LiveEvent(LiveEvent.Log.GROUP, "member-joined", 8, "garden", "cleo", null, "{}"));
        assertEquals(1, presenceEvents(ann), "cleo, offline, is not announced");
    }
}
