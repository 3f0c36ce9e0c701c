package io.chorus.common.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * One entry of the group log as history-service serves it to gateways (internal log API) and
 * publishes its joins, leaves, edits and deletes on the bus. Every entry has a position
 * ({@code id}) from the one sequence of the group log, so joins, leaves, edits and deletes fall
 * at one point among the messages for every reader.
 *
 * <p>{@code sender} is the member who posted, joined or left; {@code text} is empty for
 * membership entries. An edit or a delete names the message it changes ({@code target}) and
 * carries that message as it was after the change (its sender, text, sentAt, editedAt; a delete
 * is its tombstone, and deleting a message also empties the text of its earlier edits), and
 * who made the change ({@code actor}: the sender, or the group's owner deleting).
 * A message's own entry shows it as it now is (edited text, or a tombstone).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record GroupLogEntry(long id, String kind, String group, String sender, String text, Instant sentAt,
                            Long target, String actor, Instant editedAt, Boolean deleted) {

    public static final String MESSAGE = "message";
    public static final String JOINED = "member-joined";
    public static final String LEFT = "member-left";
    public static final String EDITED = "message-edited";
    public static final String DELETED = "message-deleted";

    public GroupLogEntry(long id, String kind, String group, String sender, String text, Instant sentAt) {
        this(id, kind, group, sender, text, sentAt, null, null, null, null);
    }

    @JsonIgnore
    public boolean isMembership() {
        return JOINED.equals(kind) || LEFT.equals(kind);
    }

    /** An edit or a delete of an earlier message. */
    @JsonIgnore
    public boolean isChange() {
        return EDITED.equals(kind) || DELETED.equals(kind);
    }

    /** Who did what this entry records: the actor of a change, otherwise the sender. */
    @JsonIgnore
    public String doneBy() {
        return actor != null ? actor : sender;
    }

    /** The message this entry shows: its own (a message entry) or the one it changed, as it was after. */
    public GroupMessage message() {
        boolean gone = Boolean.TRUE.equals(deleted);
        return new GroupMessage(target != null ? target : id, group, sender, gone ? null : text, sentAt,
                gone ? null : editedAt, gone ? Boolean.TRUE : null);
    }

    public MembershipEvent membershipEvent() {
        return new MembershipEvent(group, sender, sentAt);
    }
}
