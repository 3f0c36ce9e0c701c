package io.chorus.gateway.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.chorus.common.bus.BusMessage;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.gateway.client.Json;
import io.chorus.gateway.stream.Fanout;
import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.LogFollower;
import io.chorus.gateway.stream.MembershipFeed;
import io.chorus.gateway.stream.TypingFeed;
import io.chorus.gateway.stream.Memberships;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BusEventsTest {

    /** Times as the services write them (ISO-8601, as Quarkus' mapper does). */
    private final Json json = new Json(new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));
    private final Memberships memberships = new Memberships();
    private final Fanout fanout = new Fanout(memberships);
    private final List<LiveEvent> projected = new ArrayList<>();
    private final List<GroupLogEntry> log = new ArrayList<>();
    private final MembershipFeed feed = new MembershipFeed(memberships, fanout, new MembershipFeed.Projection() {
        @Override
        public MembershipFeed.Snapshot snapshot() {
            return new MembershipFeed.Snapshot(0, Map.of());
        }

        @Override
        public void record(LiveEvent entry) {
            projected.add(entry);
        }
    });
    private final LogFollower groupLog = new LogFollower("group-log", new LogFollower.Source() {
        @Override
        public long head() {
            return log.size();
        }

        @Override
        public List<LiveEvent> after(long position, int limit) {
            return log.stream().filter(entry -> entry.id() > position).map(json::event).toList();
        }

        @Override
        public long start() {
            return feed.rebuild(this::head, position -> log.stream()
                    .filter(entry -> entry.id() > position && entry.isMembership()).map(json::event).toList());
        }
    }, feed);
    private final BusEvents events = new BusEvents(json, groupLog, groupLog,
            new TypingFeed(fanout, json::write, new io.chorus.common.limits.TypingThrottle()));

    private GroupLogEntry append(String kind, String sender) {
        GroupLogEntry entry = new GroupLogEntry(log.size() + 1, kind, "garden", sender,
                kind.equals(GroupLogEntry.MESSAGE) ? "hello" : "", Instant.now());
        log.add(entry);
        return entry;
    }

    private static BusMessage onBus(Json json, GroupLogEntry entry) {
        return entry.isMembership() ? new BusMessage("membership/garden", json.write(entry))
                : new BusMessage("group/garden", json.write(entry.message()));
    }

    @Test
    void appliesJoinsAndLeavesFromTheLogInPositionOrder() {
        groupLog.catchUp();
        GroupLogEntry joined = append(GroupLogEntry.JOINED, "Carol");
        events.accept(onBus(json, joined));
        assertTrue(memberships.isMember("garden", "carol"));
        GroupLogEntry left = append(GroupLogEntry.LEFT, "Carol");
        GroupLogEntry message = append(GroupLogEntry.MESSAGE, "dave");
        // The message overtakes the leave on the bus: the follower reads the leave from the log first.
        events.accept(onBus(json, message));
        assertFalse(memberships.isMember("garden", "carol"));
        events.accept(onBus(json, left));
        assertFalse(memberships.isMember("garden", "carol"), "a late copy changes nothing");
        assertEquals(List.of(joined.id(), left.id()), projected.stream().map(LiveEvent::position).toList());
        assertEquals(message.id(), groupLog.last());
    }

    /**
     * What the proxy's subscriber does with a payload it cannot read: drops it (BusProxy counts and
     * warns). The follower must not move, and the position the bus garbled comes from the log.
     */
    @Test
    void aMalformedPayloadMovesTheFollowerNowhereAndItsPositionIsReadFromTheLog() {
        groupLog.catchUp();
        GroupLogEntry joined = append(GroupLogEntry.JOINED, "Ivy");
        assertThrows(IllegalArgumentException.class,
                () -> events.accept(new BusMessage("membership/garden", "{\"id\":" + joined.id() + ",\"kind\":")));
        assertThrows(IllegalArgumentException.class,
                () -> events.accept(new BusMessage("group/garden", "{\"id\":\"not a position\"}")));
        assertEquals(0, groupLog.last(), "a malformed message moves the follower nowhere");
        assertFalse(memberships.isMember("garden", "ivy"));

        GroupLogEntry message = append(GroupLogEntry.MESSAGE, "Ivy");
        events.accept(onBus(json, message));
        assertTrue(memberships.isMember("garden", "ivy"), "the join the bus garbled was read from the log");
        assertEquals(message.id(), groupLog.last());

        GroupLogEntry tail = append(GroupLogEntry.MESSAGE, "Ivy");
        assertThrows(IllegalArgumentException.class, () -> events.accept(new BusMessage("group/garden", "not json")));
        groupLog.catchUp();
        assertEquals(tail.id(), groupLog.last(), "a garbled last message is read by the catch-up");
    }

    @Test
    void rebuildsMembershipFromTheProjectionAndTheJoinsAfterIt() {
        append(GroupLogEntry.JOINED, "erin");
        append(GroupLogEntry.MESSAGE, "erin");
        append(GroupLogEntry.JOINED, "fay");
        append(GroupLogEntry.LEFT, "erin");
        groupLog.catchUp();
        assertEquals(4, groupLog.last(), "follows from the head it rebuilt to");
        assertTrue(memberships.isMember("garden", "fay"));
        assertFalse(memberships.isMember("garden", "erin"));
        assertEquals(3, projected.size(), "the projection is given the joins and leaves it lacked");
    }

    @Test
    void membershipEventsCarryTheMemberAndTime() {
        GroupLogEntry joined = append(GroupLogEntry.JOINED, "Gus");
        LiveEvent event = json.entryEvent(json.write(joined));
        assertEquals("member-joined", event.type());
        assertEquals("gus", event.senderKey());
        assertTrue(event.json().contains("\"member\":\"Gus\""), event.json());
        assertFalse(event.json().contains("\"text\""), event.json());
    }

    @Test
    void editsAndDeletesAreEventsAtTheirOwnPositionShowingTheMessageAsItNowIs() {
        groupLog.catchUp();
        GroupLogEntry message = append(GroupLogEntry.MESSAGE, "Hana");
        Instant editedAt = Instant.parse("2026-12-04T10:00:00Z");
        GroupLogEntry edit = new GroupLogEntry(log.size() + 1, GroupLogEntry.EDITED, "garden", "Hana", "hello again",
                message.sentAt(), message.id(), "Hana", editedAt, null);
        log.add(edit);
        GroupLogEntry delete = new GroupLogEntry(log.size() + 1, GroupLogEntry.DELETED, "garden", "Hana", "",
                message.sentAt(), message.id(), "Owner", null, true);
        log.add(delete);

        LiveEvent edited = json.entryEvent(json.write(edit));
        assertEquals("message-edited", edited.type());
        assertEquals(edit.id(), edited.position(), "the cursor is the edit's own position");
        assertEquals("hana", edited.senderKey());
        assertTrue(edited.json().startsWith("{\"id\":" + message.id() + ",\"group\":\"garden\",\"sender\":\"Hana\","
                + "\"text\":\"hello again\""), edited.json());
        assertTrue(edited.json().contains("\"editedAt\":\"2026-12-04T10:00:00Z\""), edited.json());

        LiveEvent deleted = json.entryEvent(json.write(delete));
        assertEquals("message-deleted", deleted.type());
        assertEquals("owner", deleted.senderKey(), "own-event filtering looks at who deleted it");
        assertFalse(deleted.json().contains("\"text\""), "a tombstone has no text: " + deleted.json());
        assertTrue(deleted.json().contains("\"deleted\":true"), deleted.json());

        // Off the bus, in the follower's order; neither touches membership.
        events.accept(new BusMessage("group-change/garden", json.write(delete)));
        assertEquals(delete.id(), groupLog.last(), "the edit before it was read from the log");
        assertEquals(List.of(), projected);
    }
}
