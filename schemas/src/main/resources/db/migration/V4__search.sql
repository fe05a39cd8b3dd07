-- chat-sync schema, version 4: full-text search over the messages a user has (GET /api/search).
-- Maintained by the persister's set-based writes as they are: a stored generated column is computed
-- by the INSERT or UPDATE that writes the row, inside the same statement, so there is no trigger and
-- no second write, and a change of content (an edit, a streaming reply synced again) re-indexes the
-- message in the transaction that stores it. Only core Postgres, so it runs on Neon as it is.

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

-- A search is always one user's, and messages know their conversation, not their user. A GIN index
-- of the vector alone, rather than a btree_gin index of (conversation_pk, search_vector): the
-- composite one is searched once per conversation of the user, and each of those scans walks the
-- posting list of every frequent word in the query again, which made common words many times slower
-- than reading all of the user's messages. With the vector alone, the API's query hands the planner
-- two bitmaps, the user's rows (by the existing indexes on conversation_pk) and the rows with the
-- words (by this one), to AND: a rare word is then found without reading the user's other messages,
-- and for a word most messages have, the planner tests the user's rows one by one instead.
CREATE INDEX messages_search ON messages USING gin (search_vector);
