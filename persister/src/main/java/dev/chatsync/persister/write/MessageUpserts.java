package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;
import dev.chatsync.schemas.ConversationKey;

/**
 * Writes one round of message versions (each message at most once) in a single statement: new
 * messages are inserted in Kafka order (their seq), changed ones (role, content, parts or metadata)
 * are updated with their previous version copied to message_revisions, identical re-syncs write
 * nothing, and the conversations of inserted or changed messages get their updated_at moved forward.
 * Every row written is stamped with the transaction ({@code change_xid}); so is the conversation of
 * each, which keeps a conversation's stamp at least that of each of its messages.
 */
final class MessageUpserts {

    /** How a message of the round was written; unchanged messages are not returned at all. */
    enum WriteKind { INSERTED, UPDATED }

    record Written(MessageVersion message, WriteKind kind) {
    }

    // "existing" and "fresh" partition the input by the statement's snapshot, so the UPDATE and the
    // INSERT never reach the same row (Postgres cannot modify a row twice in one statement). No other
    // transaction writes these conversations meanwhile: BatchWriter holds the partition's kafka_offsets
    // row lock, and a conversation lives on one partition.
    // parts and metadata travel as text and become jsonb in the input CTE: jsonb compares by value, so
    // the same JSON in another key order or spacing is unchanged (IS DISTINCT FROM: both may be null).
    // The conversation is written only when its updated_at or its stamp moves: an earlier statement of
    // the same transaction (its upsert, an earlier round) may have stamped it already.
    private static final String SQL = """
            WITH input AS (
                SELECT conversation_pk, message_id, role, content, parts::jsonb AS parts, metadata::jsonb AS metadata,
                       timestamptz 'epoch' + created_ms * interval '1 millisecond' AS created_at,
                       timestamptz 'epoch' + accepted_ms * interval '1 millisecond' AS accepted_at,
                       ord
                FROM unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::int8[]) WITH ORDINALITY
                    AS i(conversation_pk, message_id, role, content, parts, metadata, created_ms, accepted_ms, ord)
            ), changed AS (
                SELECT i.*, m.revision AS old_revision, m.role AS old_role, m.content AS old_content,
                       m.parts AS old_parts, m.metadata AS old_metadata, m.updated_at AS old_updated_at
                FROM input i JOIN messages m ON m.conversation_pk = i.conversation_pk AND m.message_id = i.message_id
                WHERE m.role <> i.role OR m.content <> i.content
                   OR m.parts IS DISTINCT FROM i.parts OR m.metadata IS DISTINCT FROM i.metadata
            ), fresh AS (
                SELECT i.* FROM input i
                WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_pk = i.conversation_pk AND m.message_id = i.message_id)
            ), revised AS (
                INSERT INTO message_revisions (conversation_pk, message_id, revision, role, content, parts, metadata, stored_at, replaced_at)
                SELECT conversation_pk, message_id, old_revision, old_role, old_content, old_parts, old_metadata, old_updated_at, accepted_at
                FROM changed
            ), updated AS (
                UPDATE messages m
                SET role = ch.role, content = ch.content, parts = ch.parts, metadata = ch.metadata,
                    revision = ch.old_revision + 1, updated_at = ch.accepted_at, change_xid = pg_current_xact_id()
                FROM changed ch
                WHERE m.conversation_pk = ch.conversation_pk AND m.message_id = ch.message_id
                RETURNING m.conversation_pk, m.message_id
            ), inserted AS (
                INSERT INTO messages (conversation_pk, message_id, role, content, parts, metadata, created_at, updated_at, change_xid)
                SELECT conversation_pk, message_id, role, content, parts, metadata, created_at, accepted_at, pg_current_xact_id()
                FROM fresh ORDER BY ord
                RETURNING conversation_pk, message_id
            ), touched AS (
                UPDATE conversations c
                SET updated_at = GREATEST(c.updated_at, t.at), change_xid = GREATEST(c.change_xid, pg_current_xact_id())
                FROM (SELECT conversation_pk, max(accepted_at) AS at
                      FROM (SELECT conversation_pk, accepted_at FROM changed UNION ALL SELECT conversation_pk, accepted_at FROM fresh) x
                      GROUP BY conversation_pk) t
                WHERE c.id = t.conversation_pk AND (c.updated_at < t.at OR c.change_xid < pg_current_xact_id())
            )
            SELECT 'U', conversation_pk, message_id FROM updated
            UNION ALL
            SELECT 'I', conversation_pk, message_id FROM inserted
            """;

    private record Identity(long conversationPk, String messageId) {
    }

    private MessageUpserts() {
    }

    /** @return the inserted and updated messages; the rest of the round was unchanged */
    static List<Written> upsert(Connection connection, List<MessageVersion> round, Map<ConversationKey, Long> conversationIds) throws SQLException {
        List<Long> pks = new ArrayList<>(round.size());
        Map<Identity, MessageVersion> byIdentity = new HashMap<>(round.size() * 2);
        for (MessageVersion message : round) {
            Long pk = conversationIds.get(message.conversation());
            if (pk == null) {
                throw new IllegalStateException("no conversation row for " + message.conversation());
            }
            pks.add(pk);
            byIdentity.put(new Identity(pk, message.messageId()), message);
        }
        List<Written> written = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.int8(connection, pks, pk -> pk));
            statement.setArray(2, PgArrays.text(connection, round, MessageVersion::messageId));
            statement.setArray(3, PgArrays.text(connection, round, MessageVersion::role));
            statement.setArray(4, PgArrays.text(connection, round, MessageVersion::content));
            statement.setArray(5, PgArrays.text(connection, round, MessageVersion::parts));
            statement.setArray(6, PgArrays.text(connection, round, MessageVersion::metadata));
            statement.setArray(7, PgArrays.epochMillis(connection, round, MessageVersion::createdAt));
            statement.setArray(8, PgArrays.epochMillis(connection, round, MessageVersion::acceptedAt));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    MessageVersion message = byIdentity.get(new Identity(rows.getLong(2), rows.getString(3)));
                    written.add(new Written(message, "I".equals(rows.getString(1)) ? WriteKind.INSERTED : WriteKind.UPDATED));
                }
            }
        }
        return written;
    }
}
