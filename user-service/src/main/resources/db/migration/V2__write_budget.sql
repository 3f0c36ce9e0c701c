-- One row per user who has written: the GCRA "theoretical arrival time" of their write budget
-- (common RateLimitsConfig.Writes; docs/security.md), in microseconds since the epoch of
-- PostgreSQL's clock, so every gateway replica and dm-service share one budget and one clock.
-- UNLOGGED: the budget is a few seconds of state; losing it in a crash (or on a failover to a
-- standby, which does not receive unlogged tables) only hands everyone a fresh burst, and every
-- write skips the WAL. No cleanup: a row whose time is past means exactly what no row means, and
-- there is at most one per registered user (smaller than the users table).
CREATE UNLOGGED TABLE write_budget (
    user_key VARCHAR(32) PRIMARY KEY,
    tat      BIGINT      NOT NULL
);
