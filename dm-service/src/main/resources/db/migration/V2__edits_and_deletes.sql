-- Edits and deletes are entries of the DM log, as in the group log: each takes the next position,
-- so a gateway shows it at one point among the DMs and a resume replays it. target is the DM
-- changed (only its sender changes it). The DM's own row is updated as well, so a
-- conversation's history shows each message as it now is.
ALTER TABLE direct_messages
    ADD COLUMN kind      VARCHAR(16) NOT NULL DEFAULT 'message'
        CHECK (kind IN ('message', 'message-edited', 'message-deleted')),
    ADD COLUMN target    BIGINT REFERENCES direct_messages (id),
    ADD COLUMN edited_at TIMESTAMPTZ,
    -- A tombstone: its text (and that of its edits) is emptied when it is deleted.
    ADD COLUMN deleted   BOOLEAN NOT NULL DEFAULT false;

CREATE INDEX direct_messages_by_target ON direct_messages (target) WHERE target IS NOT NULL;
