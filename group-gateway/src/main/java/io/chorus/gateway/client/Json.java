package io.chorus.gateway.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.message.DirectMessage;
import io.chorus.common.message.DmLogEntry;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.gateway.stream.LiveEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;

/** Turns messages into live events (their API JSON, made once) and bus payloads back into messages. */
@ApplicationScoped
public class Json {

    private final ObjectMapper mapper;

    public Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public LiveEvent event(GroupMessage message) {
        return LiveEvent.of(message, write(message));
    }

    /** A group-log entry as read from history-service: a message, a join or leave, an edit or delete. */
    public LiveEvent event(GroupLogEntry entry) {
        if (entry.isMembership()) {
            return LiveEvent.membership(entry, write(entry.membershipEvent()));
        }
        if (entry.isChange()) {
            return LiveEvent.change(entry, write(entry.message()));
        }
        return event(entry.message());
    }

    public LiveEvent event(DirectMessage message) {
        return LiveEvent.of(message, write(message));
    }

    /** A DM-log entry as read from dm-service: a DM, or an edit or delete of one. */
    public LiveEvent event(DmLogEntry entry) {
        return entry.isChange() ? LiveEvent.change(entry, write(entry.message())) : event(entry.message());
    }

    /** An edit or delete of a DM from the bus. */
    public LiveEvent dmEntryEvent(String payload) {
        return event(read(payload, DmLogEntry.class));
    }

    /** A bus payload keeps its own bytes as the event data: parsed for routing, never re-serialised. */
    public LiveEvent groupEvent(String payload) {
        return LiveEvent.of(read(payload, GroupMessage.class), payload);
    }

    /**
     * A join, leave, edit or delete from the bus: a log entry, shown on streams as its
     * membership event or as the changed message.
     */
    public LiveEvent entryEvent(String payload) {
        return event(read(payload, GroupLogEntry.class));
    }

    public LiveEvent dmEvent(String payload) {
        return LiveEvent.of(read(payload, DirectMessage.class), payload);
    }

    public <T> T read(String payload, Class<T> type) {
        try {
            return mapper.readValue(payload, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed " + type.getSimpleName() + " on the bus", e);
        }
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
