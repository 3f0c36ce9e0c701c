-- Each party's read marker in a conversation: the newest DM id they marked read, NULL until
-- they mark one; it only moves forward. Unread = the peer's DMs (not tombstones) after it.
ALTER TABLE conversations ADD COLUMN last_read BIGINT;

-- Counting a conversation's unread DMs reads only its unread range, from the index alone.
CREATE INDEX direct_messages_unread ON direct_messages (pair_key, id) INCLUDE (from_key)
    WHERE kind = 'message' AND NOT deleted;
