-- chat-sync schema, version 8: search finds one user's messages through one index key.
-- A search is always one user's. Until now messages knew their conversation only, so a search ANDed
-- the user's rows (found through the conversations) with the index's rows for each word: for a word
-- in a fifth of all messages, that is a bitmap of a fifth of the table, whoever searches. With the
-- owner on the row, a btree_gin index of (user_id, search_vector) holds the user as one more key
-- beside the words, and a search intersects the user's posting list with the words' inside the index:
-- a common word costs what that user's matches cost, not what everybody's do. One key per user rather
-- than per conversation (an index of (conversation_pk, search_vector) is searched once per
-- conversation of the user, walking each common word's posting list again every time).
-- btree_gin is a contrib extension that Neon offers, and trusted: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- The owner is written by the persister with each new message, as its conversation's user_id. The
-- foreign key on (conversation_pk, user_id) makes that the only value a row can hold, and replaces the
-- one on conversation_pk alone (same deletes: a deleted conversation takes its messages along).
-- Backfilling rewrites every row of messages under the table's lock; on a large database run this in
-- a quiet hour.
ALTER TABLE messages ADD COLUMN user_id text;
UPDATE messages m SET user_id = c.user_id FROM conversations c WHERE c.id = m.conversation_pk;
ALTER TABLE messages ALTER COLUMN user_id SET NOT NULL;

ALTER TABLE conversations ADD CONSTRAINT conversations_owner UNIQUE (id, user_id);
ALTER TABLE messages
    DROP CONSTRAINT messages_conversation_pk_fkey,
    ADD CONSTRAINT messages_conversation FOREIGN KEY (conversation_pk, user_id)
        REFERENCES conversations (id, user_id) ON DELETE CASCADE;

DROP INDEX messages_search;
CREATE INDEX messages_search ON messages USING gin (user_id, search_vector);
