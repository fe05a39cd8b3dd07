package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.chatsync.persister.fold.FoldedBatch.ConversationChange;
import dev.chatsync.schemas.ConversationKey;

/**
 * Creates or updates conversations and returns the surrogate key of each, which the message statements
 * need. An existing conversation is written only when its persona or title changes (a re-sync writes
 * nothing); updated_at only moves forward. A written conversation is stamped with the transaction
 * ({@code change_xid}). Message changes move and stamp it too, in {@link MessageUpserts}.
 */
final class ConversationUpserts {

    // Existing conversations are read, and updated only when persona or title differ: ON CONFLICT DO
    // UPDATE would lock (and so write) every row even when its WHERE is false. "existing" and the
    // INSERT's NOT EXISTS split the input by the statement's snapshot, so no row is touched twice; no
    // other transaction creates these conversations meanwhile, because BatchWriter holds the
    // partition's kafka_offsets lock and a conversation lives on one partition.
    // GREATEST keeps a conversation's stamp from moving back: a consumer fenced in a rebalance may
    // write after the new owner with a lower transaction id, and the changes feed relies on a
    // conversation's stamp being at least that of each of its messages.
    private static final String SQL = """
            WITH input AS (
                SELECT user_id, conversation_id, persona_id, title,
                       timestamptz 'epoch' + created_ms * interval '1 millisecond' AS created_at,
                       timestamptz 'epoch' + updated_ms * interval '1 millisecond' AS updated_at,
                       ord
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::int8[]) WITH ORDINALITY
                    AS i(user_id, conversation_id, persona_id, title, created_ms, updated_ms, ord)
            ), existing AS (
                SELECT c.id, c.persona_id AS old_persona_id, c.title AS old_title, i.*
                FROM input i JOIN conversations c ON c.user_id = i.user_id AND c.conversation_id = i.conversation_id
            ), updated AS (
                UPDATE conversations c
                SET persona_id = e.persona_id,
                    title = COALESCE(e.title, c.title),
                    updated_at = GREATEST(c.updated_at, e.updated_at),
                    change_xid = GREATEST(c.change_xid, pg_current_xact_id())
                FROM existing e
                WHERE c.id = e.id
                  AND (e.old_persona_id <> e.persona_id OR e.old_title IS DISTINCT FROM COALESCE(e.title, e.old_title))
            ), inserted AS (
                INSERT INTO conversations (user_id, conversation_id, persona_id, title, created_at, updated_at, change_xid)
                SELECT user_id, conversation_id, persona_id, title, created_at, updated_at, pg_current_xact_id() FROM input i
                WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord)
                ORDER BY ord
                RETURNING id, user_id, conversation_id
            )
            SELECT id, user_id, conversation_id FROM existing
            UNION ALL
            SELECT id, user_id, conversation_id FROM inserted
            """;

    private ConversationUpserts() {
    }

    /** @return the conversations' primary keys ({@code conversations.id}) */
    static Map<ConversationKey, Long> upsert(Connection connection, List<ConversationChange> changes) throws SQLException {
        Map<ConversationKey, Long> ids = new HashMap<>(changes.size() * 2);
        if (changes.isEmpty()) {
            return ids;
        }
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.text(connection, changes, c -> c.key().userId()));
            statement.setArray(2, PgArrays.text(connection, changes, c -> c.key().conversationId()));
            statement.setArray(3, PgArrays.text(connection, changes, ConversationChange::personaId));
            statement.setArray(4, PgArrays.text(connection, changes, ConversationChange::title));
            statement.setArray(5, PgArrays.epochMillis(connection, changes, ConversationChange::createdAt));
            statement.setArray(6, PgArrays.epochMillis(connection, changes, ConversationChange::updatedAt));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.put(new ConversationKey(rows.getString(2), rows.getString(3)), rows.getLong(1));
                }
            }
        }
        return ids;
    }
}
