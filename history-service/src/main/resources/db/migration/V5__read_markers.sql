-- Where each member's unread count starts, per group: joined_at is the position of their latest
-- join (written in the join's own transaction), last_read the newest message id they marked read
-- (NULL until they mark one; it only moves forward). Unread = others' messages (not tombstones,
-- not joins, leaves or changes) after the greater of the two.
CREATE TABLE read_markers (
    group_key  VARCHAR(32) NOT NULL,
    member_key VARCHAR(32) NOT NULL,
    joined_at  BIGINT      NOT NULL,
    last_read  BIGINT,
    PRIMARY KEY (group_key, member_key)
);

CREATE INDEX read_markers_by_member ON read_markers (member_key);

INSERT INTO read_markers (group_key, member_key, joined_at)
SELECT group_key, sender_key, max(id) FROM messages WHERE kind = 'member-joined' GROUP BY group_key, sender_key;

-- Counting unread messages reads only the unread range of one group, from the index alone.
CREATE INDEX messages_unread ON messages (group_key, id) INCLUDE (sender_key) WHERE kind = 'message' AND NOT deleted;
