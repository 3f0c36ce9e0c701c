package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayRoomTest {

    @Test
    void holdsAtMostItsPagesAndServesWaitersInTheOrderTheyAsked() {
        ReplayRoom room = new ReplayRoom(2);
        List<String> granted = new ArrayList<>();
        room.take(() -> granted.add("a"));
        room.take(() -> granted.add("b"));
        room.take(() -> granted.add("c"));
        room.take(() -> granted.add("d"));
        assertEquals(List.of("a", "b"), granted);
        assertEquals(2, room.taken());
        assertEquals(2, room.waiting());
        room.giveBack();
        assertEquals(List.of("a", "b", "c"), granted, "the room passed to the first waiter");
        assertEquals(2, room.taken());
        room.giveBack();
        room.giveBack();
        room.giveBack();
        assertEquals(List.of("a", "b", "c", "d"), granted);
        assertEquals(0, room.taken());
        assertEquals(0, room.waiting());
    }
}
