-- The log position of each membership's join, so a resuming stream that reads its replay a
-- page at a time can leave out what a group said before the member (last) joined, whatever
-- page the join is on. Rows written before this column stay 0: not known, and the replay falls
-- back to the join entries it reads itself.
ALTER TABLE memberships ADD COLUMN joined_position BIGINT NOT NULL DEFAULT 0;
