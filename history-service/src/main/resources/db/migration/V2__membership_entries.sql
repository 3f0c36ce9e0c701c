-- Joins and leaves are entries of the group log too, with positions from the same sequence as the
-- messages, so every gateway applies a membership change at the same point among the messages.
ALTER TABLE messages ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'message'
    CHECK (kind IN ('message', 'member-joined', 'member-left'));

-- Gateways rebuild their membership projection from these entries at start.
CREATE INDEX messages_membership_entries ON messages (id) WHERE kind <> 'message';
