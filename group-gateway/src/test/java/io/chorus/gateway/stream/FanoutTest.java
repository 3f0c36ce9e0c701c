package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FanoutTest {

    private final Memberships memberships = new Memberships();
    private final Fanout fanout = new Fanout(memberships);
    /** Tests run the event loop's work at once, on their own thread. */
    private final LoopWriter loop = new LoopWriter(Runnable::run);

    private RecordingSink subscribe(String user, String group, boolean self, int buffer) {
        RecordingSink sink = new RecordingSink();
        Subscriber subscriber = new Subscriber(user, group, self, memberships, StreamBounds.ofEvents(buffer), sink, loop);
        subscriber.onEnd(() -> fanout.unregister(subscriber));
        fanout.register(subscriber);
        subscriber.start(new StreamCursor(0, 0));
        return sink;
    }

    private static LiveEvent groupMessage(long id, String group, String sender) {
        return new LiveEvent(LiveEvent.Log.GROUP, "group-message", id, group, sender, null, "{\"id\":" + id + "}");
    }

    private static LiveEvent dm(long id, String from, String to) {
        return new LiveEvent(LiveEvent.Log.DM, "direct-message", id, null, from, to, "{\"id\":" + id + "}");
    }

    @Test
    void deliversGroupMessagesToMembersButNotBackToTheSender() {
        memberships.add("g", "alice");
        memberships.add("g", "bob");
        RecordingSink alice = subscribe("alice", "g", false, 16);
        RecordingSink aliceSelf = subscribe("alice", null, true, 16);
        RecordingSink bob = subscribe("bob", null, false, 16);
        RecordingSink carol = subscribe("carol", null, false, 16);
        fanout.deliver(groupMessage(1, "g", "alice"));
        assertEquals(List.of(), alice.eventIds());
        assertEquals(List.of("1-0"), aliceSelf.eventIds());
        assertEquals(List.of("1-0"), bob.eventIds());
        assertEquals(List.of(), carol.eventIds());
    }

    @Test
    void encodesEachEventOnceAndEveryGroupStreamWritesTheSameBytes() {
        for (String member : List.of("a", "b", "c", "d")) {
            memberships.add("g", member);
        }
        RecordingSink a = subscribe("a", "g", false, 16);
        RecordingSink b = subscribe("b", "g", false, 16);
        RecordingSink c = subscribe("c", "g", false, 16);
        RecordingSink dEverything = subscribe("d", null, false, 16);
        fanout.deliver(groupMessage(7, "g", "x"));
        assertEquals(1, fanout.encoded(), "one encoding for four streams");
        assertSame(a.writes.getLast(), b.writes.getLast(), "the same buffer, not a copy per stream");
        assertSame(a.writes.getLast(), c.writes.getLast());
        assertEquals("id: 7\nevent: group-message\ndata: {\"id\":7}\n\n", a.writes.getLast().toString());
        assertEquals("id: 7-0\nevent: group-message\ndata: {\"id\":7}\n\n", dEverything.writes.getLast().toString(),
                "the everything-stream writes its own id line before the shared body");
    }

    @Test
    void deliversDirectMessagesToTheirPartiesOnly() {
        RecordingSink bob = subscribe("bob", null, false, 16);
        RecordingSink alice = subscribe("alice", null, false, 16);
        RecordingSink carol = subscribe("carol", null, false, 16);
        fanout.deliver(dm(1, "alice", "bob"));
        assertEquals(List.of("0-1"), bob.eventIds());
        assertEquals(List.of(), alice.eventIds(), "own DM not echoed without self=true");
        assertEquals(List.of(), carol.eventIds());
    }

    @Test
    void stopsDeliveringAfterLeavingAndEndsTheGroupStream() {
        memberships.add("g", "bob");
        RecordingSink groupStream = subscribe("bob", "g", false, 16);
        RecordingSink everything = subscribe("bob", null, false, 16);
        fanout.deliver(groupMessage(1, "g", "alice"));
        memberships.remove("g", "bob");
        fanout.left("g", "bob");
        fanout.deliver(groupMessage(2, "g", "alice"));
        assertEquals(List.of("1"), groupStream.eventIds());
        assertEquals(List.of("1-0"), everything.eventIds());
        assertTrue(groupStream.ended);
        assertFalse(everything.ended);
    }

    @Test
    void keepsOrderAndWritesWhatWaitedInOneGoOnceTheClientReadsAgain() {
        memberships.add("g", "bob");
        RecordingSink bob = subscribe("bob", "g", false, 16);
        bob.full = true;
        for (int i = 1; i <= 5; i++) {
            fanout.deliver(groupMessage(i, "g", "alice"));
        }
        int writesBefore = bob.writes.size();
        bob.drain();
        assertEquals(writesBefore + 1, bob.writes.size(), "five waiting events, one write");
        assertEquals(List.of("1", "2", "3", "4", "5"), bob.eventIds());
        fanout.deliver(groupMessage(6, "g", "alice"));
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), bob.eventIds());
    }

    @Test
    void cutsOffASubscriberWhoseQueueOutgrowsItsBytesBeforeItsEvents() {
        memberships.add("g", "slow");
        RecordingSink slow = new RecordingSink();
        Subscriber subscriber = new Subscriber("slow", "g", false, memberships,
                new StreamBounds(1024, 64 * 1024, 10_000, java.time.Duration.ofSeconds(60)), slow, loop);
        subscriber.onEnd(() -> fanout.unregister(subscriber));
        fanout.register(subscriber);
        subscriber.start(new StreamCursor(0, 0));
        slow.full = true;
        String large = "{\"text\":\"" + "€".repeat(4096) + "\"}";
        for (int i = 1; i <= 4; i++) {
            fanout.deliver(new LiveEvent(LiveEvent.Log.GROUP, "group-message", i, "g", "alice", null, large));
        }
        assertFalse(slow.ended, "four 12 KiB events fit in 64 KiB");
        for (int i = 5; i <= 20; i++) {
            fanout.deliver(new LiveEvent(LiveEvent.Log.GROUP, "group-message", i, "g", "alice", null, large));
        }
        assertTrue(slow.ended, "twenty events of the largest text do not fit in 64 KiB, far below 1024 events");
        assertEquals(0, fanout.subscriberCount());
    }

    @Test
    void cutsOffSubscriberThatFallsBehindAndNotTheOthers() {
        memberships.add("g", "slow");
        memberships.add("g", "fast");
        RecordingSink slow = subscribe("slow", "g", false, 4);
        RecordingSink fast = subscribe("fast", "g", false, 4);
        slow.full = true;
        for (int i = 1; i <= 5; i++) {
            fanout.deliver(groupMessage(i, "g", "alice"));
        }
        assertTrue(slow.ended, "the fifth event did not fit: the stream ends, the client resumes");
        assertEquals(List.of(), slow.eventIds());
        assertEquals(1, fanout.subscriberCount(), "the cut-off subscriber is gone from the fan-out");
        assertEquals(List.of("1", "2", "3", "4", "5"), fast.eventIds());
        assertFalse(fast.ended);
    }

    @Test
    void aStreamEndedWhileItsClientStoppedReadingEndsAnyway() {
        memberships.add("g", "bob");
        RecordingSink bob = subscribe("bob", "g", false, 16);
        bob.full = true;
        fanout.deliver(groupMessage(1, "g", "alice"));
        memberships.remove("g", "bob");
        fanout.left("g", "bob");
        assertTrue(bob.ended, "its place is given back; it resumes from what it read");
        assertEquals(0, fanout.subscriberCount());
    }

    @Test
    void heartbeatReachesEveryStream() {
        RecordingSink a = subscribe("a", null, false, 4);
        RecordingSink b = subscribe("b", "g", false, 4);
        fanout.heartbeat();
        assertTrue(a.text().endsWith(":heartbeat\n\n"));
        assertTrue(b.text().endsWith(":heartbeat\n\n"));
    }

    @Test
    void aClosedConnectionLeavesTheFanout() {
        RecordingSink sink = new RecordingSink();
        Subscriber subscriber = new Subscriber("a", null, false, memberships, StreamBounds.ofEvents(4), sink, loop);
        subscriber.onEnd(() -> fanout.unregister(subscriber));
        fanout.register(subscriber);
        subscriber.closed();
        assertEquals(0, fanout.subscriberCount());
        fanout.deliver(dm(1, "b", "a"));
        assertEquals(List.of(), sink.eventIds());
    }

    @Test
    void typingReachesTheGroupsMembersWithoutAnIdAndWithoutMovingTheirCursor() {
        memberships.add("g", "alice");
        memberships.add("g", "bob");
        RecordingSink bobGroup = subscribe("bob", "g", false, 16);
        RecordingSink bobAll = subscribe("bob", null, false, 16);
        RecordingSink alice = subscribe("alice", "g", false, 16);
        RecordingSink aliceSelf = subscribe("alice", "g", true, 16);
        RecordingSink carol = subscribe("carol", null, false, 16);
        TypingFeed typing = new TypingFeed(fanout, value -> value.toString(), new io.chorus.common.limits.TypingThrottle());

        typing.inGroup(new io.chorus.common.message.Typing.InGroup("G", "Alice"));
        typing.inGroup(new io.chorus.common.message.Typing.InGroup("g", "alice"));
        fanout.deliver(groupMessage(3, "g", "alice"));
        assertTrue(List.of(bobGroup.text().split("\n\n")).contains("event: typing\ndata: InGroup[group=G, user=Alice]"),
                "a frame of its own, with no id line: " + bobGroup.text());
        assertEquals(List.of("typing", "group-message"), bobGroup.eventTypes(), "one notice in the throttle's interval");
        assertEquals(List.of("3"), bobGroup.eventIds(), "the cursor moved only for the log's event");
        assertEquals(List.of("typing", "group-message"), bobAll.eventTypes());
        assertEquals(List.of(), alice.eventTypes(), "the typist's own stream does not echo it");
        assertEquals(List.of("typing", "group-message"), aliceSelf.eventTypes());
        assertEquals(List.of(), carol.eventTypes(), "no one outside the group sees it");
    }

    @Test
    void dmTypingNamesTheConversationAsEachSideSeesIt() {
        RecordingSink bob = subscribe("bob", null, false, 16);
        RecordingSink aliceSelf = subscribe("alice", null, true, 16);
        RecordingSink alice = subscribe("alice", null, false, 16);
        RecordingSink carol = subscribe("carol", null, false, 16);
        RecordingSink bobGroup = subscribe("bob", "g", false, 16);
        memberships.add("g", "bob");
        TypingFeed typing = new TypingFeed(fanout, value -> value.toString(), new io.chorus.common.limits.TypingThrottle());
        typing.inDm(new io.chorus.common.message.Typing.InDm("Alice", "Bob"));
        assertTrue(bob.text().endsWith("event: typing\ndata: Shown[peer=Alice, user=Alice]\n\n"), bob.text());
        assertTrue(aliceSelf.text().endsWith("event: typing\ndata: Shown[peer=Bob, user=Alice]\n\n"), aliceSelf.text());
        assertEquals(List.of(), alice.eventTypes());
        assertEquals(List.of(), carol.eventTypes());
        assertEquals(List.of(), bobGroup.eventTypes(), "a DM's typing is for the everything-stream");
    }
}
