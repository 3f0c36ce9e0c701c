-- Full-text search of a conversation (GET /api/dms/{peer}/messages?q=), as in the group log:
-- PostgreSQL keeps the vector from the text, so edits re-index and deletes drop out.
ALTER TABLE direct_messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED;

CREATE INDEX direct_messages_search ON direct_messages USING GIN (search) WHERE kind = 'message';
