package io.chorus.history.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.chorus.common.log.Appended;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.history.service.Append;
import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The shared log store's append, through the group log's repository, one batch at a time. */
@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "history"))
@QuarkusTestResource(BusSinkResource.class)
class MessageRepositoryTest {

    @Inject
    MessageRepository repository;

    @Test
    void oneBatchAnswersRetriesFromTheLogAndFromItselfAndStoresTheRestContiguously() {
        String group = "g-" + UUID.randomUUID().toString().substring(0, 8);
        GroupLogEntry stored = repository.append(List.of(Append.message(group, "ann", "first", "c-0"))).getFirst().entry();
        long start = repository.head();

        List<Appended<GroupLogEntry>> results = repository.append(List.of(
                Append.message(group, "ann", "a", "c-1"),
                Append.message(group, "ANN", "a, retried in the same batch", "c-1"),
                Append.message(group, "ann", "no clientId", null),
                Append.message(group, "ann", "first, retried", "c-0"),
                Append.message(group, "bob", "bob's own c-1", "c-1")));

        assertEquals(List.of(true, false, true, false, true), results.stream().map(Appended::created).toList());
        assertSame(results.get(0).entry(), results.get(1).entry(), "the retry in the batch gets the first copy");
        assertEquals(stored, results.get(3).entry(), "the retry of a stored append gets the stored entry");
        assertEquals(List.of(start + 1, start + 2, start + 3),
                List.of(results.get(0).entry().id(), results.get(2).entry().id(), results.get(4).entry().id()));
        assertEquals(start + 3, repository.head());
        assertEquals(List.of("first", "a", "no clientId", "bob's own c-1"),
                repository.page(group, null, null, 10, null).stream().map(GroupMessage::text).toList());
    }

    @Test
    void aBatchOfOnlyRetriesChangesNothing() {
        String group = "g-" + UUID.randomUUID().toString().substring(0, 8);
        GroupLogEntry stored = repository.append(List.of(Append.message(group, "cy", "once", "c-9"))).getFirst().entry();
        long head = repository.head();
        List<Appended<GroupLogEntry>> results = repository.append(List.of(Append.message(group, "cy", "again", "c-9")));
        assertEquals(List.of(new Appended<>(stored, false)), results);
        assertEquals(head, repository.head());
    }
}
