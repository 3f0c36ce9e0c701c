-- Edits and deletes are entries of the group log too: each takes the next position, so every
-- gateway shows them at one point among the messages and a resume replays them. target is the
-- message changed, actor who changed it (its sender, or the group's owner deleting). The
-- message's own row is updated as well, so history pages show each message as it now is.
ALTER TABLE messages DROP CONSTRAINT messages_kind_check;
ALTER TABLE messages ADD CONSTRAINT messages_kind_check
    CHECK (kind IN ('message', 'member-joined', 'member-left', 'message-edited', 'message-deleted'));

ALTER TABLE messages
    ADD COLUMN target    BIGINT REFERENCES messages (id),
    ADD COLUMN actor     VARCHAR(32),
    ADD COLUMN edited_at TIMESTAMPTZ,
    -- A tombstone: its text (and that of its edits) is emptied when it is deleted.
    ADD COLUMN deleted   BOOLEAN NOT NULL DEFAULT false;

-- Deleting a message empties its edits too: found by their target.
CREATE INDEX messages_by_target ON messages (target) WHERE target IS NOT NULL;

-- Gateways rebuild their membership projection from joins and leaves only, not from edits.
DROP INDEX messages_membership_entries;
CREATE INDEX messages_membership_entries ON messages (id) WHERE kind IN ('member-joined', 'member-left');
