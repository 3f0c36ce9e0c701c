package io.chorus.history.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.bus.BusPublisher;
import io.chorus.history.repository.MessageRepository;
import io.chorus.history.service.GroupTyping;
import io.chorus.history.service.MessageLog;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.io.UncheckedIOException;
import java.util.function.Function;

@ApplicationScoped
public class HistoryProducers {

    @Produces
    @ApplicationScoped
    @Startup
    MessageLog messageLog(MessageRepository repository, BusPublisher bus, ObjectMapper mapper, HistoryConfig config) {
        return new MessageLog(repository, bus, json(mapper), config.maxBatch(), config.maxPending());
    }

    @Produces
    @ApplicationScoped
    GroupTyping groupTyping(BusPublisher bus, ObjectMapper mapper) {
        return new GroupTyping(bus, json(mapper));
    }

    private static Function<Object, String> json(ObjectMapper mapper) {
        return value -> {
            try {
                return mapper.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    // Closing the log first lets queued appends commit and publish before the bus goes away.
    void closeLog(@Disposes MessageLog log) {
        log.close();
    }
}
