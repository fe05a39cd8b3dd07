package dev.chatsync.benchmarks.storm;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import javax.sql.DataSource;

import dev.chatsync.ingest.write.SyncBodies;

/**
 * The write of the design chat-sync replaces, as a chat app writes a conversation it was sent: the
 * user, the conversation and every message upserted in one transaction, in the request, each message
 * by its id. Messages whose stored copy is the same are left as they are, the best such a design
 * does on a re-sync; ON CONFLICT still finds and locks each of them.
 */
final class ConversationWrite {

    private static final String USER = """
            INSERT INTO users (id) VALUES (?) ON CONFLICT DO NOTHING
            """;

    private static final String CONVERSATION = """
            INSERT INTO conversations (user_id, conversation_id, persona_id, title, created_at, updated_at, change_xid)
            VALUES (?, ?, ?, ?, timestamptz 'epoch' + ? * interval '1 millisecond', timestamptz 'epoch' + ? * interval '1 millisecond',
                    pg_current_xact_id())
            ON CONFLICT (user_id, conversation_id) DO UPDATE
               SET persona_id = EXCLUDED.persona_id,
                   title = COALESCE(EXCLUDED.title, conversations.title),
                   updated_at = GREATEST(conversations.updated_at, EXCLUDED.updated_at),
                   change_xid = EXCLUDED.change_xid
            RETURNING id
            """;

    // unnest keeps the order sent, so seq follows it for new messages, as the persister's does
    private static final String MESSAGES = """
            WITH input AS (
                SELECT message_id, role, content, parts::jsonb AS parts, metadata::jsonb AS metadata,
                       timestamptz 'epoch' + created_ms * interval '1 millisecond' AS created_at
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[])
                    AS i(message_id, role, content, parts, metadata, created_ms)
            )
            INSERT INTO messages (conversation_pk, user_id, message_id, role, content, parts, metadata, created_at, updated_at, change_xid)
            SELECT ?, ?, message_id, role, content, parts, metadata,
                   COALESCE(created_at, timestamptz 'epoch' + ? * interval '1 millisecond'),
                   timestamptz 'epoch' + ? * interval '1 millisecond', pg_current_xact_id()
              FROM input
            ON CONFLICT (conversation_pk, message_id) DO UPDATE
               SET role = EXCLUDED.role, content = EXCLUDED.content, parts = EXCLUDED.parts, metadata = EXCLUDED.metadata,
                   revision = messages.revision + 1, updated_at = EXCLUDED.updated_at, change_xid = EXCLUDED.change_xid
             WHERE (messages.role, messages.content, messages.parts, messages.metadata)
                   IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.content, EXCLUDED.parts, EXCLUDED.metadata)
            """;

    private final DataSource dataSource;

    ConversationWrite(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Blocks until committed; returns how many messages were inserted or changed. */
    int write(String userId, SyncBodies.Conversation conversation, Instant acceptedAt) throws SQLException {
        long now = acceptedAt.toEpochMilli();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement user = connection.prepareStatement(USER)) {
                    user.setString(1, userId);
                    user.executeUpdate();
                }
                long conversationPk;
                try (PreparedStatement upsert = connection.prepareStatement(CONVERSATION)) {
                    upsert.setString(1, userId);
                    upsert.setString(2, conversation.conversationId());
                    upsert.setString(3, conversation.personaId());
                    upsert.setString(4, conversation.title());
                    upsert.setLong(5, now);
                    upsert.setLong(6, now);
                    try (ResultSet key = upsert.executeQuery()) {
                        key.next();
                        conversationPk = key.getLong(1);
                    }
                }
                int written = 0;
                if (conversation.messageIds().length > 0) {
                    try (PreparedStatement messages = connection.prepareStatement(MESSAGES)) {
                        messages.setArray(1, connection.createArrayOf("text", conversation.messageIds()));
                        messages.setArray(2, connection.createArrayOf("text", conversation.roles()));
                        messages.setArray(3, connection.createArrayOf("text", conversation.contents()));
                        messages.setArray(4, connection.createArrayOf("text", conversation.parts()));
                        messages.setArray(5, connection.createArrayOf("text", conversation.metadata()));
                        messages.setArray(6, connection.createArrayOf("int8", conversation.createdMillis()));
                        messages.setLong(7, conversationPk);
                        messages.setString(8, userId);
                        messages.setLong(9, now);
                        messages.setLong(10, now);
                        written = messages.executeUpdate();
                    }
                }
                connection.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
