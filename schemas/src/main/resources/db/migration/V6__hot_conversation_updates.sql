-- chat-sync schema, version 6: conversation writes the persister can make without touching an index.
-- Every message written moves its conversation's updated_at and change_xid, so a batch rewrites about
-- one conversation row per conversation it touches. While an index covers either column, each of
-- those rewrites adds an entry to every index of the table (five of them). With none covering them,
-- and room left on the row's page, Postgres updates the row in place (a heap-only tuple): no index
-- entry and a fraction of the WAL.
-- Reads of one user's conversations (newest first, the newest stamp, the changes feed) find them by
-- the identity's (user_id, conversation_id) index and sort or filter that user's rows, which are few.
DROP INDEX conversations_by_user_recent;
DROP INDEX conversations_by_user_persona;
DROP INDEX conversations_changes;
-- Room for in-place updates on pages filled from now on (existing pages keep theirs until rewritten).
ALTER TABLE conversations SET (fillfactor = 70);
