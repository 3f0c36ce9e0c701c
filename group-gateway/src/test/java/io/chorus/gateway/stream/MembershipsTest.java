package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MembershipsTest {

    @Test
    void countsTheMembershipsItHoldsOncePerMemberAndGroup() {
        Memberships memberships = new Memberships();
        memberships.load(Map.of("garden", Set.of("ann", "ben"), "attic", Set.of("ann")));
        assertEquals(3, memberships.size());
        memberships.add("garden", "ann");
        assertEquals(3, memberships.size(), "a repeated join is one membership");
        memberships.add("garden", "cas");
        memberships.remove("attic", "ann");
        memberships.remove("attic", "ann");
        memberships.remove("cellar", "ann");
        assertEquals(3, memberships.size(), "a repeated or unknown leave removes nothing");
        memberships.replaceAll(Map.of("garden", Set.of("ann")));
        assertEquals(1, memberships.size(), "a rebuild counts afresh");
    }
}
