-- Full-text search of a group's messages (GET ...?q=): a tsvector kept by PostgreSQL itself from
-- the text, so an edit re-indexes the message and a delete (its text emptied) takes it out of
-- every result. 'simple': no stemming or stop words, whatever language people write in; every
-- word of the query must match a word of the message, ignoring case.
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED;

CREATE INDEX messages_search ON messages USING GIN (search) WHERE kind = 'message';
