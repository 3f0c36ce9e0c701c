package io.chorus.dm.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher;
import io.chorus.common.bus.Topics;
import io.chorus.common.error.ProblemException;
import io.chorus.common.message.ClientId;
import io.chorus.common.message.MessageText;
import io.chorus.common.naming.NameRule;
import io.chorus.dm.repository.DirectMessageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;

/**
 * Sending a DM: the rules, the durable write, then the bus. A send returns only after its
 * transaction committed, so a 201 stands on a stored message. Concurrent sends may reach the bus
 * out of id order (each publishes after its own commit); gateways order and gap-fill by id from
 * the log, as they must anyway with several dm-service replicas.
 */
@ApplicationScoped
public class DirectMessages {

    private final DirectMessageRepository repository;
    private final UserDirectory directory;
    private final BusPublisher bus;
    private final ObjectMapper json;

    public DirectMessages(DirectMessageRepository repository, UserDirectory directory, BusPublisher bus,
                          ObjectMapper json) {
        this.repository = repository;
        this.directory = directory;
        this.bus = bus;
        this.json = json;
    }

    /** @param authorization the sender's own header, forwarded to user-service to look the peer up */
    public Sent send(String from, String peer, String text, String clientId, String authorization) {
        String validText = MessageText.require(text);
        String validClientId = ClientId.requireValidOrNull(clientId);
        if (NameRule.key(from).equals(NameRule.key(peer))) {
            throw ProblemException.invalid("a direct message needs someone else to send it to");
        }
        String to = directory.canonicalName(peer, authorization);
        Sent sent = repository.append(new Send(from, to, validText, validClientId));
        if (sent.created()) {
            bus.publish(new BusMessage(Topics.dm(to), serialize(sent)));
        }
        return sent;
    }

    private String serialize(Sent sent) {
        try {
            return json.writeValueAsString(sent.message());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
