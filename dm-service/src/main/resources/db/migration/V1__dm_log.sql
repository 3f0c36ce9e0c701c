-- The direct-message log. id is the message's position: assigned under the log_head row lock, so
-- ids are contiguous and commit in id order. A gateway that has seen id N has seen every id below
-- it, which is what makes resuming a DM stream from its cursor exact.
-- "from" and "to" are SQL keywords, hence from_name/to_name for the names as registered.
CREATE TABLE direct_messages (
    id         BIGINT       PRIMARY KEY,
    from_name  VARCHAR(32)  NOT NULL,
    from_key   VARCHAR(32)  NOT NULL,
    to_name    VARCHAR(32)  NOT NULL,
    to_key     VARCHAR(32)  NOT NULL,
    text       TEXT         NOT NULL,
    client_id  VARCHAR(64),
    sent_at    TIMESTAMPTZ  NOT NULL,
    -- Both directions of one conversation share this key, so its history is one index range
    -- instead of an OR over two.
    pair_key   VARCHAR(65)  GENERATED ALWAYS AS
                   (LEAST(from_key, to_key) || '/' || GREATEST(from_key, to_key)) STORED
);

CREATE INDEX direct_messages_by_pair ON direct_messages (pair_key, id);

-- A gateway's replay for one user: id > ? AND (to_key = ? OR from_key = ?) as a bitmap OR.
CREATE INDEX direct_messages_by_recipient ON direct_messages (to_key, id);
CREATE INDEX direct_messages_by_sender ON direct_messages (from_key, id);

-- A repeated clientId from the same sender is the same message, whoever it was sent to.
CREATE UNIQUE INDEX direct_messages_client_id ON direct_messages (from_key, client_id)
    WHERE client_id IS NOT NULL;

-- One row per party per conversation, pointing at its newest message: listing someone's
-- conversations reads their conversations, not every message they ever sent or received.
CREATE TABLE conversations (
    owner_key  VARCHAR(32)  NOT NULL,
    peer_key   VARCHAR(32)  NOT NULL,
    peer       VARCHAR(32)  NOT NULL,
    last_id    BIGINT       NOT NULL REFERENCES direct_messages (id),
    PRIMARY KEY (owner_key, peer_key)
);

CREATE INDEX conversations_by_recency ON conversations (owner_key, last_id);

CREATE TABLE log_head (
    id            SMALLINT PRIMARY KEY CHECK (id = 1),
    last_position BIGINT   NOT NULL
);

INSERT INTO log_head (id, last_position) VALUES (1, 0);
