package io.chorus.dm.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher;
import io.chorus.common.bus.Topics;
import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.TypingThrottle;
import io.chorus.common.log.Appended;
import io.chorus.common.log.GroupCommit;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.DirectMessage;
import io.chorus.common.message.DmLogEntry;
import io.chorus.common.message.MessageText;
import io.chorus.common.message.Typing;
import io.chorus.common.naming.NameRule;
import io.chorus.dm.config.DmConfig;
import io.chorus.dm.repository.DirectMessageRepository;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Sending a DM: the rules, the durable write with group commit (concurrent sends share one
 * transaction), then the bus, in id order. A send returns only after its transaction committed,
 * so a 201 stands on a stored message. Gateways still order and gap-fill by id from the log, as
 * they must with several dm-service replicas.
 */
@ApplicationScoped
public class DirectMessages {

    private final UserDirectory directory;
    private final BusPublisher bus;
    private final ObjectMapper json;
    private final DirectMessageRepository repository;
    private final GroupCommit<Send, Appended<DmLogEntry>> log;
    private final TypingThrottle typingThrottle = new TypingThrottle();

    public DirectMessages(DirectMessageRepository repository, UserDirectory directory, BusPublisher bus,
                          ObjectMapper json, DmConfig config) {
        this.repository = repository;
        this.directory = directory;
        this.bus = bus;
        this.json = json;
        this.log = new GroupCommit<>("dm-log", repository::append, this::publish, config.maxBatch(), config.maxPending());
    }

    @PreDestroy
    void close() {
        log.close();
    }

    /** @param authorization the sender's own header, forwarded to user-service to look the peer up */
    public Appended<DirectMessage> send(String from, String peer, String text, String clientId, String authorization) {
        String validText = MessageText.require(text);
        String validClientId = ClientId.requireValidOrNull(clientId);
        if (NameRule.key(from).equals(NameRule.key(peer))) {
            throw ProblemException.invalid("a direct message needs someone else to send it to");
        }
        String to = directory.canonicalName(peer, authorization);
        try {
            Appended<DmLogEntry> sent = log.append(new Send(from, to, validText, validClientId)).get();
            return new Appended<>(sent.entry().message(), sent.created());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("interrupted; retry with the same clientId");
        }
    }

    /**
     * Edits the caller's DM to the peer and publishes the edit once committed. Each change is its
     * own transaction (they are rare next to sends), under the same head lock as the batches.
     */
    public DirectMessage edit(String user, String peer, long id, String text) {
        String validText = MessageText.require(text);
        DmLogEntry entry = repository.edit(user, peer, id, validText);
        publishChange(entry);
        return entry.message();
    }

    /** Deletes the caller's DM to the peer; deleting a tombstone again changes nothing. */
    public void delete(String user, String peer, long id) {
        DmLogEntry entry = repository.delete(user, peer, id);
        if (entry != null) {
            publishChange(entry);
        }
    }

    /**
     * The caller is typing to the peer: published on the bus for the gateways to show, never
     * stored; at most one every {@link TypingThrottle#INTERVAL} per pair (the rest are dropped).
     * 404 for a peer who does not exist, 400 for yourself, as for sending.
     */
    public void typing(String from, String peer, String authorization) {
        if (NameRule.key(from).equals(NameRule.key(peer))) {
            throw ProblemException.invalid("typing needs someone else to type to");
        }
        String to = directory.canonicalName(peer, authorization);
        if (typingThrottle.pass(NameRule.key(from) + "/" + NameRule.key(to))) {
            bus.publish(new BusMessage(Topics.dmTyping(to), serialize(new Typing.InDm(from, to))));
        }
    }

    // From the caller's thread, so perhaps out of order with the batches: gateways order by position.
    private void publishChange(DmLogEntry entry) {
        bus.publish(new BusMessage(Topics.dmChange(entry.to()), serialize(entry)));
    }

    // A DM goes out as the API shows it: gateways use those bytes as the event data.
    private void publish(List<Appended<DmLogEntry>> batch) {
        batch.stream().filter(Appended::created)
                .forEach(sent -> bus.publish(new BusMessage(Topics.dm(sent.entry().to()), serialize(sent.entry().message()))));
    }

    private String serialize(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
