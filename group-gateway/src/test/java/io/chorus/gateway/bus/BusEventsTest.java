package io.chorus.gateway.bus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.bus.BusMessage;
import io.chorus.gateway.client.Json;
import io.chorus.gateway.group.MembershipChange;
import io.chorus.gateway.stream.Fanout;
import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.LogFollower;
import io.chorus.gateway.stream.Memberships;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusEventsTest {

    private final Json json = new Json(new ObjectMapper().findAndRegisterModules());
    private final Memberships memberships = new Memberships();
    private final Fanout fanout = new Fanout(memberships);
    private final LogFollower idle = new LogFollower("idle", new LogFollower.Source() {
        @Override
        public long head() {
            return 0;
        }

        @Override
        public List<LiveEvent> after(long position, int limit) {
            return List.of();
        }
    }, fanout::deliver);
    private final BusEvents events = new BusEvents(json, idle, idle, memberships, fanout, "this-gateway");

    private BusMessage announced(boolean member, String origin) {
        return new BusMessage("membership/garden",
                json.write(new MembershipChange("garden", "Carol", member).from(origin)));
    }

    @Test
    void appliesJoinsAndLeavesFromOtherReplicas() {
        events.accept(announced(true, "other-gateway"));
        assertTrue(memberships.isMember("garden", "carol"));
        events.accept(announced(false, "other-gateway"));
        assertFalse(memberships.isMember("garden", "carol"));
    }

    @Test
    void skipsItsOwnEchoSoALateEchoCannotUndoANewerChange() {
        // carol left, then joined again here; the echo of the leave arrives after both.
        events.apply(new MembershipChange("garden", "carol", false));
        events.apply(new MembershipChange("garden", "carol", true));
        events.accept(announced(false, "this-gateway"));
        assertTrue(memberships.isMember("garden", "carol"));
    }
}
