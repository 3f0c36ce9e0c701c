-- The group-message log. id is the message's position: assigned under the log_head row lock, so
-- ids are contiguous and commit in id order. A reader who has seen id N has seen every id below
-- it, which is what makes resume-from-cursor exact.
CREATE TABLE messages (
    id         BIGINT       PRIMARY KEY,
    group_name VARCHAR(32)  NOT NULL,
    group_key  VARCHAR(32)  NOT NULL,
    sender     VARCHAR(32)  NOT NULL,
    sender_key VARCHAR(32)  NOT NULL,
    text       TEXT         NOT NULL,
    client_id  VARCHAR(64),
    sent_at    TIMESTAMPTZ  NOT NULL
);

CREATE INDEX messages_by_group ON messages (group_key, id);

-- A repeated clientId from the same sender in the same group is the same message.
CREATE UNIQUE INDEX messages_client_id ON messages (group_key, sender_key, client_id)
    WHERE client_id IS NOT NULL;

CREATE TABLE log_head (
    id            SMALLINT PRIMARY KEY CHECK (id = 1),
    last_position BIGINT   NOT NULL
);

INSERT INTO log_head (id, last_position) VALUES (1, 0);
