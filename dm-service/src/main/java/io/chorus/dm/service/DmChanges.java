package io.chorus.dm.service;

import io.chorus.common.error.ProblemException;
import io.chorus.common.message.DmLogEntry;
import io.chorus.common.naming.NameRule;
import java.time.Instant;

/**
 * Who may edit or delete a DM, and the log entry the change becomes (SPEC, dm-service): only its
 * sender, so the peer gets 403; a tombstone cannot be edited, and deleting it again changes
 * nothing. The repository has already found the DM in the caller's conversation with the peer
 * (404 otherwise) and checks these rules inside the transaction that appends the change.
 */
public final class DmChanges {

    private DmChanges() {
    }

    public static DmLogEntry edit(DmLogEntry message, String user, String text, long position, Instant at) {
        requireOwnMessage(message, user, "edit");
        if (Boolean.TRUE.equals(message.deleted())) {
            throw ProblemException.conflict("message " + message.id() + " was deleted; it cannot be edited");
        }
        return new DmLogEntry(position, DmLogEntry.EDITED, message.from(), message.to(), text, message.sentAt(),
                message.id(), at, null);
    }

    /** The delete entry, or null if the DM is already a tombstone. */
    public static DmLogEntry delete(DmLogEntry message, String user, long position) {
        requireOwnMessage(message, user, "delete");
        if (Boolean.TRUE.equals(message.deleted())) {
            return null;
        }
        return new DmLogEntry(position, DmLogEntry.DELETED, message.from(), message.to(), "", message.sentAt(),
                message.id(), null, Boolean.TRUE);
    }

    private static void requireOwnMessage(DmLogEntry message, String user, String what) {
        if (!DmLogEntry.MESSAGE.equals(message.kind())) {
            throw ProblemException.notFound("entry " + message.id() + " is not a message");
        }
        if (!NameRule.key(user).equals(NameRule.key(message.from()))) {
            throw ProblemException.forbidden("only the sender of message " + message.id() + " may " + what + " it");
        }
    }
}
