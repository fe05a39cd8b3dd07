-- chat-sync schema, version 2: what the sync protocol needs. Message parts and metadata stored
-- losslessly, change stamps for the changes feed and ETags, tombstones of deleted conversations.
-- Every statement is cheap on a large database: added columns have constant defaults (no rewrite).

-- The Vercel AI SDK's UIMessage beside plain content: parts (a JSON array of typed objects) and
-- metadata (a JSON object). jsonb compares by value, so a re-sync of the same JSON is unchanged.
ALTER TABLE messages ADD COLUMN parts jsonb, ADD COLUMN metadata jsonb;
ALTER TABLE message_revisions ADD COLUMN parts jsonb, ADD COLUMN metadata jsonb;

-- Several devices editing one message. A client may say which revision it edited (its base); an
-- edit from an older base than the stored one did not see the stored version, so it does not
-- replace it: it is kept as a conflict revision, or, when it and the stored version are two edits
-- of the same base, the two are ordered by a hash of their content so that every arrival order ends
-- with the same current version. Revision numbers are handed out in arrival order to every version
-- kept, conflicts included, so messages.revision is no longer 1 + the number of revisions: a
-- conflict kept without replacing the current version takes the next number above it.
-- messages.based_on: the base of the current version (null when the client sent none);
-- messages.conflicts: how many conflict revisions the message keeps (reads say there was a conflict).
-- message_revisions.conflict: a version that lost to a concurrent edit or came from a stale copy.
ALTER TABLE messages ADD COLUMN based_on integer, ADD COLUMN conflicts integer NOT NULL DEFAULT 0;
ALTER TABLE message_revisions ADD COLUMN conflict boolean NOT NULL DEFAULT false, ADD COLUMN based_on integer;

-- Change stamps: the id of the persister transaction (pg_current_xact_id()) that last inserted or
-- changed the row; a conversation is stamped too whenever one of its messages is. Not a sequence:
-- a sequence number is handed out before its transaction commits, so a reader following
-- "stamp > cursor" can pass a number whose transaction commits afterwards and miss its rows for
-- good. With transaction ids, the reading statement's pg_snapshot_xmin(pg_current_snapshot()) is a
-- horizon below which every transaction has ended: rows stamped below it are final, so a feed read
-- up to it never misses one. Rows older than this migration carry 0, before every cursor.
ALTER TABLE conversations ADD COLUMN change_xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE messages ADD COLUMN change_xid xid8 NOT NULL DEFAULT '0';
-- GET /api/changes: the caller's conversations changed after a cursor; the newest is the list's ETag.
CREATE INDEX conversations_changes ON conversations (user_id, change_xid);
-- GET /api/changes: the messages of a changed conversation changed after a cursor.
CREATE INDEX messages_changes ON messages (conversation_pk, change_xid);

-- A deleted conversation, so that other devices learn of the delete from the feed. One row per
-- identity: a conversation deleted again after it was re-created moves its tombstone forward.
-- conversation_pk is the id the deleted row had (identities are never reused), which orders the
-- tombstone among the feed's rows of the same transaction.
CREATE TABLE conversation_tombstones (
    user_id          text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id  text        NOT NULL,
    conversation_pk  bigint      NOT NULL,
    deleted_at       timestamptz NOT NULL,           -- acceptedAt of the delete
    change_xid       xid8        NOT NULL,
    -- Every message id a delete of this identity removed: a device that missed the delete re-sends
    -- them, and those are not stored again (nor do they re-create the conversation); a message id not
    -- in here is a real new write.
    message_ids      text[]      NOT NULL DEFAULT '{}',
    PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX conversation_tombstones_changes ON conversation_tombstones (user_id, change_xid);
-- Pruning tombstones past the retention.
CREATE INDEX conversation_tombstones_age ON conversation_tombstones (deleted_at);

-- The newest change stamp of a pruned tombstone: a feed cursor below it may have missed a delete,
-- so it is answered 410 and the device reloads in full. One row.
CREATE TABLE feed_horizon (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    pruned_xid  xid8    NOT NULL
);
INSERT INTO feed_horizon (pruned_xid) VALUES ('0');
