package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MembershipsTest {

    @Test
    void countsTheMembershipsItHoldsOncePerMemberAndGroup() {
        Memberships memberships = new Memberships();
        memberships.load(Map.of("garden", Map.of("ann", 3L, "ben", 4L), "attic", Map.of("ann", 5L)));
        assertEquals(3, memberships.size());
        memberships.add("garden", "ann", 7);
        assertEquals(3, memberships.size(), "a repeated join is one membership");
        assertEquals(7, memberships.joinedAt("garden", "ann"), "the latest join's position");
        memberships.add("garden", "cas");
        memberships.remove("attic", "ann");
        memberships.remove("attic", "ann");
        memberships.remove("cellar", "ann");
        assertEquals(3, memberships.size(), "a repeated or unknown leave removes nothing");
        memberships.replaceAll(Map.of("garden", Map.of("ann", 9L)));
        assertEquals(1, memberships.size(), "a rebuild counts afresh");
        assertEquals(9, memberships.joinedAt("garden", "ann"), "with the join's position");
        assertEquals(-1, memberships.joinedAt("garden", "cas"), "cas is no member after the rebuild");
    }
}
