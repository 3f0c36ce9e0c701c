-- The memberships table is a projection of the group log's joins and leaves (history-service
-- owns the log). applied is the position of the last entry written here; at start a gateway
-- applies whatever came after it, so a crash between the log's commit and this table's loses
-- nothing. Every replica writes the same projection, each in log order, skipping what is applied.
CREATE TABLE membership_head (
    id      SMALLINT PRIMARY KEY CHECK (id = 1),
    applied BIGINT   NOT NULL
);

INSERT INTO membership_head (id, applied) VALUES (1, 0);
