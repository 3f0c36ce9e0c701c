package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanoutTest {

    private final Memberships memberships = new Memberships();
    private final Fanout fanout = new Fanout(memberships);

    private Subscriber subscribe(String user, String group, boolean self, int buffer) {
        Subscriber[] holder = new Subscriber[1];
        holder[0] = new Subscriber(user, group, self, memberships, buffer, () -> fanout.unregister(holder[0]));
        fanout.register(holder[0]);
        return holder[0];
    }

    private static LiveEvent groupMessage(long id, String group, String sender) {
        return new LiveEvent(LiveEvent.Log.GROUP, "group-message", id, group, sender, null, "{}");
    }

    private static LiveEvent dm(long id, String from, String to) {
        return new LiveEvent(LiveEvent.Log.DM, "direct-message", id, null, from, to, "{}");
    }

    @Test
    void deliversGroupMessagesToMembersButNotBackToTheSender() {
        memberships.add("g", "alice");
        memberships.add("g", "bob");
        AssertSubscriber<LiveEvent> alice = subscribe("alice", "g", false, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<LiveEvent> aliceSelf = subscribe("alice", null, true, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<LiveEvent> bob = subscribe("bob", null, false, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<LiveEvent> carol = subscribe("carol", null, false, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        fanout.deliver(groupMessage(1, "g", "alice"));
        assertEquals(0, alice.getItems().size());
        assertEquals(1, aliceSelf.getItems().size());
        assertEquals(1, bob.getItems().size());
        assertEquals(0, carol.getItems().size());
    }

    @Test
    void deliversDirectMessagesToTheirPartiesOnly() {
        AssertSubscriber<LiveEvent> bob = subscribe("bob", null, false, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<LiveEvent> alice = subscribe("alice", null, false, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<LiveEvent> carol = subscribe("carol", null, false, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        fanout.deliver(dm(1, "alice", "bob"));
        assertEquals(1, bob.getItems().size());
        assertEquals(0, alice.getItems().size(), "own DM not echoed without self=true");
        assertEquals(0, carol.getItems().size());
    }

    @Test
    void stopsDeliveringAfterLeavingAndEndsTheGroupStream() {
        memberships.add("g", "bob");
        AssertSubscriber<LiveEvent> groupStream = subscribe("bob", "g", false, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<LiveEvent> everything = subscribe("bob", null, false, 16).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        fanout.deliver(groupMessage(1, "g", "alice"));
        memberships.remove("g", "bob");
        fanout.left("g", "bob");
        fanout.deliver(groupMessage(2, "g", "alice"));
        assertEquals(List.of(1L), groupStream.getItems().stream().map(LiveEvent::position).toList());
        assertEquals(List.of(1L), everything.getItems().stream().map(LiveEvent::position).toList());
        groupStream.assertCompleted();
    }

    @Test
    void cutsOffSubscriberThatFallsBehind() {
        memberships.add("g", "slow");
        Subscriber slow = subscribe("slow", "g", false, 4);
        AssertSubscriber<LiveEvent> reader = slow.events().subscribe().withSubscriber(AssertSubscriber.create(0));
        for (int i = 1; i <= 5; i++) {
            fanout.deliver(groupMessage(i, "g", "alice"));
        }
        reader.request(10);
        reader.assertFailedWith(io.smallrye.mutiny.subscription.BackPressureFailure.class);
        assertEquals(4, reader.getItems().size(), "what fitted in the buffer was still sent");
        assertEquals(0, fanout.subscriberCount(), "the cut-off subscriber is gone from the fan-out");
    }

    @Test
    void heartbeatReachesEveryStream() {
        AssertSubscriber<LiveEvent> a = subscribe("a", null, false, 4).events().subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        fanout.heartbeat();
        assertTrue(a.getItems().getFirst().isHeartbeat());
    }
}
