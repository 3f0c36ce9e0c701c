package io.chorus.gateway.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chorus.common.error.ProblemException;
import io.chorus.gateway.repository.GroupRepository;
import io.chorus.gateway.stream.Memberships;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupsTest {

    /** The database as far as these rules ask it, counting the queries (vetoed: not a bean in @QuarkusTests). */
    @jakarta.enterprise.inject.Vetoed
    private static final class CountingRepository extends GroupRepository {
        int queries;
        boolean member = true;

        CountingRepository() {
            super(null);
        }

        @Override
        public Optional<Group> find(String name) {
            queries++;
            return name.equalsIgnoreCase("garden")
                    ? Optional.of(new Group(7, "Garden", "alice", Instant.EPOCH, 2)) : Optional.empty();
        }

        @Override
        public boolean isMember(long groupId, String user) {
            queries++;
            return member;
        }
    }

    private final CountingRepository repository = new CountingRepository();
    private final Memberships memberships = new Memberships();
    private final Groups groups = new Groups(repository, memberships, (group, joined, bearer) -> 1L);

    @Test
    void aMemberKnownInMemoryPostsWithoutAQuery() {
        memberships.add("garden", "bob");
        assertEquals("Garden", groups.requireMember("garden", "Bob"), "the first time reads the group's name");
        int afterFirst = repository.queries;
        for (int i = 0; i < 100; i++) {
            assertEquals("Garden", groups.requireMember("GARDEN", "bob"));
        }
        assertEquals(afterFirst, repository.queries, "then memory answers: no SQL per post or stream");
    }

    @Test
    void aRefusalIsConfirmedByTheDatabase() {
        repository.member = false;
        ProblemException notMember = assertThrows(ProblemException.class, () -> groups.requireMember("garden", "eve"));
        assertEquals(403, notMember.status());
        assertEquals(404, assertThrows(ProblemException.class, () -> groups.requireMember("attic", "eve")).status());
    }

    @Test
    void aJoinNotYetAppliedHereIsStillAcceptedFromTheDatabase() {
        // Joined on another replica: its projection row exists before the join is answered.
        assertEquals("Garden", groups.requireMember("garden", "carol"));
    }
}
