package io.chorus.history.service;

import io.chorus.common.error.ProblemException;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.naming.NameRule;
import java.time.Instant;

/**
 * Who may edit or delete a group message, and the log entry the change becomes (SPEC, Public
 * HTTP API): only its sender edits it; its sender or the group's owner deletes it; a tombstone
 * cannot be edited, and deleting it again changes nothing. Plain rules, checked by the
 * repository inside the transaction that appends the change, against the message as committed.
 */
public final class MessageChanges {

    private MessageChanges() {
    }

    /** The edit entry at {@code position}; refused unless the actor sent the message and it still stands. */
    public static GroupLogEntry edit(GroupLogEntry message, String actor, String text, long position, Instant at) {
        requireMessage(message);
        if (!NameRule.key(actor).equals(NameRule.key(message.sender()))) {
            throw ProblemException.forbidden("only the sender of message " + message.id() + " may edit it");
        }
        if (Boolean.TRUE.equals(message.deleted())) {
            throw ProblemException.conflict("message " + message.id() + " was deleted; it cannot be edited");
        }
        return new GroupLogEntry(position, GroupLogEntry.EDITED, message.group(), message.sender(), text,
                message.sentAt(), message.id(), actor, at, null);
    }

    /**
     * The delete entry at {@code position}, or null if the message is already a tombstone;
     * refused unless the actor sent it or owns the group.
     */
    public static GroupLogEntry delete(GroupLogEntry message, String actor, boolean actorOwnsGroup, long position) {
        requireMessage(message);
        if (!actorOwnsGroup && !NameRule.key(actor).equals(NameRule.key(message.sender()))) {
            throw ProblemException.forbidden("only the sender of message " + message.id()
                    + " or the group's owner may delete it");
        }
        if (Boolean.TRUE.equals(message.deleted())) {
            return null;
        }
        return new GroupLogEntry(position, GroupLogEntry.DELETED, message.group(), message.sender(), "",
                message.sentAt(), message.id(), actor, null, Boolean.TRUE);
    }

    /** Joins, leaves and changes have positions too, but are not messages one can change. */
    private static void requireMessage(GroupLogEntry entry) {
        if (!GroupLogEntry.MESSAGE.equals(entry.kind())) {
            throw ProblemException.notFound("entry " + entry.id() + " is not a message");
        }
    }
}
