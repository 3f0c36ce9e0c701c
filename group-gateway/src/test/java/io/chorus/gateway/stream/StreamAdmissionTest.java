package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chorus.common.error.ProblemException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAdmissionTest {

    @Test
    void capsStreamsPerUserWith429() {
        StreamAdmission admission = new StreamAdmission(100, 3);
        List<StreamAdmission.Place> places = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            places.add(admission.admit("ann"));
        }
        ProblemException refused = assertThrows(ProblemException.class, () -> admission.admit("ann"));
        assertEquals(429, refused.status());
        assertEquals(5, refused.retryAfterSeconds());
        admission.admit("bob");
        assertEquals(4, admission.open(), "the refused stream took no place");

        places.get(0).release();
        places.get(0).release();
        admission.admit("ann");
        assertThrows(ProblemException.class, () -> admission.admit("ann"), "a place given back twice counts once");
    }

    @Test
    void refusesPastItsCapacityWith503() {
        StreamAdmission admission = new StreamAdmission(2, 0);
        StreamAdmission.Place first = admission.admit("ann");
        admission.admit("ann");
        ProblemException refused = assertThrows(ProblemException.class, () -> admission.admit("bob"));
        assertEquals(503, refused.status());
        assertEquals(2, admission.open());
        first.release();
        admission.admit("bob");
        assertEquals(2, admission.open());
    }

    @Test
    void forgetsUsersWhoseStreamsAllEnded() {
        StreamAdmission admission = new StreamAdmission(10, 5);
        StreamAdmission.Place one = admission.admit("ann");
        StreamAdmission.Place two = admission.admit("ann");
        one.release();
        two.release();
        assertEquals(0, admission.usersWithStreams());
        assertEquals(0, admission.open());
    }
}
