package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.chatsync.persister.fold.FoldedBatch.ConversationChange;
import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;
import dev.chatsync.schemas.ConversationKey;

/**
 * Creates or updates conversations and returns the surrogate key of each, which the message statements
 * need. An existing conversation is written only when its persona or title changes (a re-sync writes
 * nothing); updated_at only moves forward. A written conversation is stamped with the transaction
 * ({@code change_xid}). Message changes move and stamp it too, in {@link MessageUpserts}.
 * A conversation that was deleted (it has a tombstone and no row) is created again only by a message
 * whose id the delete did not remove, a real new write; metadata alone, or re-sends of the messages
 * it had, leave it deleted and get no key.
 */
final class ConversationUpserts {

    // Existing conversations are read, and updated only when persona or title differ: ON CONFLICT DO
    // UPDATE would lock (and so write) every row even when its WHERE is false. "existing" and
    // "absent" split the input by the statement's snapshot, so no row is touched twice; no other
    // transaction creates these conversations meanwhile, because BatchWriter holds the partition's
    // kafka_offsets lock and a conversation lives on one partition.
    // GREATEST keeps a conversation's stamp from moving back: a consumer fenced in a rebalance may
    // write after the new owner with a lower transaction id, and the changes feed relies on a
    // conversation's stamp being at least that of each of its messages.
    // Tombstones are read only for conversations without a row, so a re-sync of live ones costs
    // nothing more; a conversation created again starts when its first new message came.
    private static final String SQL = """
            WITH input AS (
                SELECT user_id, conversation_id, persona_id, title,
                       timestamptz 'epoch' + created_ms * interval '1 millisecond' AS created_at,
                       timestamptz 'epoch' + updated_ms * interval '1 millisecond' AS updated_at,
                       ord
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::int8[]) WITH ORDINALITY
                    AS i(user_id, conversation_id, persona_id, title, created_ms, updated_ms, ord)
            ), arrivals AS (
                SELECT conversation_ord, message_id, timestamptz 'epoch' + accepted_ms * interval '1 millisecond' AS accepted_at
                FROM unnest(?::int4[], ?::text[], ?::int8[]) AS a(conversation_ord, message_id, accepted_ms)
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
            ), absent AS (
                SELECT i.* FROM input i WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord)
            ), tombstoned AS (
                SELECT a.ord, a.user_id, a.conversation_id, t.message_ids
                FROM absent a JOIN conversation_tombstones t ON t.user_id = a.user_id AND t.conversation_id = a.conversation_id
            ), buried AS MATERIALIZED (
                SELECT t.ord, b.message_id FROM tombstoned t CROSS JOIN LATERAL unnest(t.message_ids) AS b(message_id)
            ), revived AS (
                SELECT t.ord, min(n.accepted_at) AS created_at
                FROM tombstoned t JOIN arrivals n ON n.conversation_ord = t.ord
                WHERE NOT EXISTS (SELECT 1 FROM buried b WHERE b.ord = t.ord AND b.message_id = n.message_id)
                GROUP BY t.ord
            ), inserted AS (
                INSERT INTO conversations (user_id, conversation_id, persona_id, title, created_at, updated_at, change_xid)
                SELECT a.user_id, a.conversation_id, a.persona_id, a.title, COALESCE(r.created_at, a.created_at), a.updated_at, pg_current_xact_id()
                FROM absent a LEFT JOIN revived r ON r.ord = a.ord
                WHERE r.ord IS NOT NULL OR NOT EXISTS (SELECT 1 FROM tombstoned t WHERE t.ord = a.ord)
                ORDER BY a.ord
                RETURNING id, user_id, conversation_id
            )
            SELECT ord, id FROM existing
            UNION ALL
            SELECT i.ord, n.id FROM inserted n JOIN input i ON i.user_id = n.user_id AND i.conversation_id = n.conversation_id
            """;

    private ConversationUpserts() {
    }

    /**
     * @param arrivals every message of the same generation once (its first version): the messages that
     *                 may create a deleted conversation again
     * @return the conversations' primary keys ({@code conversations.id}); none for one that stays deleted
     */
    static Map<ConversationKey, Long> upsert(Connection connection, List<ConversationChange> changes, List<MessageVersion> arrivals) throws SQLException {
        Map<ConversationKey, Long> ids = new HashMap<>(changes.size() * 2);
        if (changes.isEmpty()) {
            return ids;
        }
        // arrivals name their conversation by its ordinal in the input, and rows come back as (ordinal, id):
        // no identity travels twice
        Map<ConversationKey, Integer> ordinals = new HashMap<>(changes.size() * 2);
        for (int i = 0; i < changes.size(); i++) {
            ordinals.put(changes.get(i).key(), i + 1);
        }
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.text(connection, changes, c -> c.key().userId()));
            statement.setArray(2, PgArrays.text(connection, changes, c -> c.key().conversationId()));
            statement.setArray(3, PgArrays.text(connection, changes, ConversationChange::personaId));
            statement.setArray(4, PgArrays.text(connection, changes, ConversationChange::title));
            statement.setArray(5, PgArrays.epochMillis(connection, changes, ConversationChange::createdAt));
            statement.setArray(6, PgArrays.epochMillis(connection, changes, ConversationChange::updatedAt));
            statement.setArray(7, PgArrays.int4(connection, arrivals, m -> ordinals.get(m.conversation())));
            statement.setArray(8, PgArrays.text(connection, arrivals, MessageVersion::messageId));
            statement.setArray(9, PgArrays.epochMillis(connection, arrivals, MessageVersion::acceptedAt));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.put(changes.get(rows.getInt(1) - 1).key(), rows.getLong(2));
                }
            }
        }
        return ids;
    }
}
