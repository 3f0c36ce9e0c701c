-- The group list is paged by name (GET /api/groups?after=&limit=, docs/api.md): a page must cost
-- its own rows, however many groups and memberships exist.
--
-- member_count is kept by the membership projection in the transaction that adds or removes the
-- membership row (serialised by membership_head's lock), instead of a count(*) per listed group.
ALTER TABLE groups ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE groups g SET member_count = (SELECT count(*) FROM memberships m WHERE m.group_id = g.id);

-- "Name order" is the byte order of the lower-case key, as clients sort it, whatever collation
-- the database was created with; keyset paging compares with the index's collation, so both agree.
ALTER TABLE groups ALTER COLUMN name_key TYPE VARCHAR(32) COLLATE "C";

-- A member's groups in name order straight from one index range ((member_key, group_key) > after),
-- instead of every membership of the member fetched and sorted per page. A group is never renamed,
-- so the copied key never goes stale.
ALTER TABLE memberships ADD COLUMN group_key VARCHAR(32) COLLATE "C";
UPDATE memberships m SET group_key = g.name_key FROM groups g WHERE g.id = m.group_id;
ALTER TABLE memberships ALTER COLUMN group_key SET NOT NULL;
CREATE UNIQUE INDEX memberships_by_member_and_group ON memberships (member_key, group_key);
-- The new index leads with member_key, so it serves every lookup the old one did.
DROP INDEX memberships_by_member;
