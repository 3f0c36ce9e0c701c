package io.chorus.common.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * A direct message as the API, the bus and the SSE streams show it; id is its DM-log position.
 * Like {@link GroupMessage}: {@code editedAt} once edited, a tombstone ({@code deleted}, no text)
 * once deleted, both left out of the JSON until they apply.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record DirectMessage(long id, String from, String to, String text, Instant sentAt, Instant editedAt,
                            Boolean deleted) {

    public DirectMessage(long id, String from, String to, String text, Instant sentAt) {
        this(id, from, to, text, sentAt, null, null);
    }
}
