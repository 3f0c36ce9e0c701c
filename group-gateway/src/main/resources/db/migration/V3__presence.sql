-- Who holds a stream on which gateway replica, shared by the replicas through their database.
-- Each replica writes its own rows and a heartbeat every couple of seconds; a user is online
-- while a replica whose heartbeat is fresh holds a row for them. A replica that dies stops its
-- heartbeat, so its users go offline within the staleness bound without anyone cleaning up.
CREATE TABLE gateway_replicas (
    replica_id VARCHAR(64) PRIMARY KEY,
    seen_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE presence (
    replica_id VARCHAR(64) NOT NULL REFERENCES gateway_replicas (replica_id) ON DELETE CASCADE,
    user_key   VARCHAR(32) NOT NULL,
    user_name  VARCHAR(32) NOT NULL,
    PRIMARY KEY (replica_id, user_key)
);
