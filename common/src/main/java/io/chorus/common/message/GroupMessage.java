package io.chorus.common.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * A group message as the API, the bus and the SSE streams show it; id is its log position.
 * {@code editedAt} is set once its sender edited it. A deleted message is a tombstone: no text,
 * {@code deleted} true. Both are left out of the JSON until they apply, so a plain message keeps
 * its five fields.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record GroupMessage(long id, String group, String sender, String text, Instant sentAt, Instant editedAt,
                           Boolean deleted) {

    public GroupMessage(long id, String group, String sender, String text, Instant sentAt) {
        this(id, group, sender, text, sentAt, null, null);
    }
}
