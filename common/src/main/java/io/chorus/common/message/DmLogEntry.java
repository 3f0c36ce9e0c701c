package io.chorus.common.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * One entry of the DM log as dm-service serves it to gateways (internal log API) and publishes
 * its edits and deletes on the bus: a message, or an edit or delete of one ({@code target}),
 * which carries the message as it was after the change (a delete, its tombstone; deleting a
 * message also empties the text of its earlier edits). Only a DM's sender changes it, so the
 * actor is always {@code from}. A message's own entry shows it as it now is.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record DmLogEntry(long id, String kind, String from, String to, String text, Instant sentAt, Long target,
                         Instant editedAt, Boolean deleted) {

    public static final String MESSAGE = GroupLogEntry.MESSAGE;
    public static final String EDITED = GroupLogEntry.EDITED;
    public static final String DELETED = GroupLogEntry.DELETED;

    @JsonIgnore
    public boolean isChange() {
        return EDITED.equals(kind) || DELETED.equals(kind);
    }

    /** The message this entry shows: its own, or the one it changed, as it was after. */
    public DirectMessage message() {
        boolean gone = Boolean.TRUE.equals(deleted);
        return new DirectMessage(target != null ? target : id, from, to, gone ? null : text, sentAt,
                gone ? null : editedAt, gone ? Boolean.TRUE : null);
    }
}
