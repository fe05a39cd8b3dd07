-- chat-sync schema, version 7: a digest of each message's current version, so that a re-sync is
-- recognised as unchanged without sending the message to the database.
-- The persister computes it (SHA-256 over role, content, parts and metadata as the client sent them)
-- and writes it with every version that becomes current; a batch first sends only identities and
-- digests, and the full versions of just the messages that are new or differ. Two spellings of the
-- same JSON digest differently, so a match proves the version unchanged and a mismatch only sends the
-- version on to the exact comparison, which compares jsonb by value. Rows stored before this version
-- carry none and always take the exact comparison.
ALTER TABLE messages ADD COLUMN version_hash bytea;
