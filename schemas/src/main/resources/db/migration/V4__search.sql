-- chat-sync schema, version 4: full-text search over the messages a user has (GET /api/search).
-- Maintained by the persister's set-based writes as they are: a stored generated column is computed
-- by the INSERT or UPDATE that writes the row, inside the same statement, so there is no trigger and
-- no second write, and a change of content (an edit, a streaming reply synced again) re-indexes the
-- message in the transaction that stores it. Only core Postgres and btree_gin, which Neon offers.

-- 'english' rather than 'simple': people search their chats in words they remember, not the exact
-- forms ("deploying" should find "deployed"), and the stop words it drops are the ones that would
-- otherwise have the longest posting lists. Text in another language is stemmed by the same rules on
-- both sides, so an exact word still finds itself. The configuration is named (the two-argument form
-- is IMMUTABLE, as a generated column requires) and must be the one the API's queries name, or the
-- index would answer for other lexemes than the query's.
-- Adding a stored column rewrites the table once, under its lock; on a large database run this in a
-- quiet hour.
ALTER TABLE messages ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, content)) STORED;

-- A search is always one user's, and messages know their conversation, not their user. A GIN index on
-- the vector alone answers a common word with every user's matching rows, which the join to
-- conversations then throws away; filtering the user's rows first reads and tests every message
-- of that user, whatever the words. btree_gin lets one GIN index hold the conversation beside the
-- lexemes, so a search for the user's conversations intersects the posting lists of the two inside
-- the index and reads from the table only the user's matching rows.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX messages_search ON messages USING gin (conversation_pk, search_vector);
