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
 * nothing); updated_at only moves forward. Message changes move it too, in {@link MessageUpserts}.
 */
final class ConversationUpserts {

    // The outer SELECT runs on the statement's snapshot: it cannot see rows inserted by the CTE, so
    // changed or new rows come from RETURNING and untouched ones from the table.
    private static final String SQL = """
            WITH input AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::int8[]) WITH ORDINALITY
                    AS i(user_id, conversation_id, persona_id, title, created_ms, updated_ms, ord)
            ), upserted AS (
                INSERT INTO conversations AS c (user_id, conversation_id, persona_id, title, created_at, updated_at)
                SELECT user_id, conversation_id, persona_id, title, %s, %s FROM input ORDER BY ord
                ON CONFLICT (user_id, conversation_id) DO UPDATE
                    SET persona_id = excluded.persona_id,
                        title = COALESCE(excluded.title, c.title),
                        updated_at = GREATEST(c.updated_at, excluded.updated_at)
                    WHERE c.persona_id <> excluded.persona_id
                       OR c.title IS DISTINCT FROM COALESCE(excluded.title, c.title)
                RETURNING c.id, c.user_id, c.conversation_id
            )
            SELECT id, user_id, conversation_id FROM upserted
            UNION ALL
            SELECT c.id, c.user_id, c.conversation_id
            FROM input i JOIN conversations c ON c.user_id = i.user_id AND c.conversation_id = i.conversation_id
            WHERE NOT EXISTS (SELECT 1 FROM upserted u WHERE u.user_id = i.user_id AND u.conversation_id = i.conversation_id)
            """.formatted(PgArrays.timestamp("created_ms"), PgArrays.timestamp("updated_ms"));

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
            statement.setArray(5, PgArrays.millis(connection, changes, ConversationChange::createdAt));
            statement.setArray(6, PgArrays.millis(connection, changes, ConversationChange::updatedAt));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.put(new ConversationKey(rows.getString(2), rows.getString(3)), rows.getLong(1));
                }
            }
        }
        return ids;
    }
}
