-- chat-sync schema, version 1.
-- Written only by the persister (one transaction per Kafka batch); read by ingest-api.
-- Neon notes: compact bigint surrogate keys under the hot tables, no triggers, no per-row functions;
-- every foreign key cascades so deleting a user or a conversation is one statement.

-- Clerk users, created lazily from the first event that names them.
CREATE TABLE users (
    id          text        PRIMARY KEY,             -- Clerk user id (the session token's sub)
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Newly stored user-role messages per user and UTC day; re-syncs never count twice.
CREATE TABLE rate_limits (
    user_id        text    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day            date    NOT NULL,                 -- UTC day of the event's acceptedAt
    message_count  integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    PRIMARY KEY (user_id, day)
);

-- Identity is (user_id, conversation_id): clients choose conversation ids, unique per user only.
CREATE TABLE conversations (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id  text        NOT NULL,
    persona_id       text        NOT NULL,
    title            text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,           -- last accepted change; only ever moves forward
    CONSTRAINT conversations_identity UNIQUE (user_id, conversation_id)
);
-- GET /api/messages: the caller's conversations, newest first.
CREATE INDEX conversations_by_user_recent ON conversations (user_id, updated_at DESC, id DESC);
-- GET /api/messages?personaId=: the caller's conversation(s) with one persona.
CREATE INDEX conversations_by_user_persona ON conversations (user_id, persona_id, updated_at DESC);

-- Identity is (conversation, message_id); conversation_pk carries (user_id, conversation_id) in 8 bytes.
CREATE TABLE messages (
    conversation_pk  bigint      NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id       text        NOT NULL,
    -- Insertion order: the persister inserts in Kafka order, which is the order the client sent.
    seq              bigint      GENERATED ALWAYS AS IDENTITY,
    role             text        NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content          text        NOT NULL,
    revision         integer     NOT NULL DEFAULT 1, -- 1 + number of rows in message_revisions
    created_at       timestamptz NOT NULL,           -- client createdAt, else acceptedAt of the first event
    updated_at       timestamptz NOT NULL,           -- acceptedAt of the event that stored this revision
    PRIMARY KEY (conversation_pk, message_id)
);
-- GET /api/messages?conversationId=: messages in order, paged by seq.
CREATE UNIQUE INDEX messages_in_order ON messages (conversation_pk, seq);

-- Earlier versions of messages whose content or role changed (e.g. a streaming reply synced mid-stream).
CREATE TABLE message_revisions (
    conversation_pk  bigint      NOT NULL,
    message_id       text        NOT NULL,
    revision         integer     NOT NULL,           -- the revision number this content had in messages
    role             text        NOT NULL,
    content          text        NOT NULL,
    stored_at        timestamptz NOT NULL,           -- when this revision was stored (its updated_at)
    replaced_at      timestamptz NOT NULL,           -- acceptedAt of the event that replaced it
    PRIMARY KEY (conversation_pk, message_id, revision),
    FOREIGN KEY (conversation_pk, message_id) REFERENCES messages (conversation_pk, message_id) ON DELETE CASCADE
);

-- The persister's position per partition, written in the same transaction as the rows it produced.
-- Records below next_offset are already in the database and are skipped on redelivery or replay.
-- Keyed by Kafka's topic id, so a deleted and re-created topic (offsets from 0 again) starts afresh.
CREATE TABLE kafka_offsets (
    topic_id     uuid        NOT NULL,
    partition    integer     NOT NULL,
    topic        text        NOT NULL,
    next_offset  bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic_id, partition)
);
