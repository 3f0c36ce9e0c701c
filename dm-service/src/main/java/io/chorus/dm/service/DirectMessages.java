package io.chorus.dm.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher;
import io.chorus.common.bus.Topics;
import io.chorus.common.error.ProblemException;
import io.chorus.common.log.Appended;
import io.chorus.common.log.GroupCommit;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.DirectMessage;
import io.chorus.common.message.MessageText;
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
    private final GroupCommit<Send, Appended<DirectMessage>> log;

    public DirectMessages(DirectMessageRepository repository, UserDirectory directory, BusPublisher bus,
                          ObjectMapper json, DmConfig config) {
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
            return log.append(new Send(from, to, validText, validClientId)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("interrupted; retry with the same clientId");
        }
    }

    private void publish(List<Appended<DirectMessage>> batch) {
        batch.stream().filter(Appended::created)
                .forEach(sent -> bus.publish(new BusMessage(Topics.dm(sent.entry().to()), serialize(sent))));
    }

    private String serialize(Appended<DirectMessage> sent) {
        try {
            return json.writeValueAsString(sent.entry());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
