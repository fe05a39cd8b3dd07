package dev.chatsync.ingest.read;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The queries behind the GET endpoints. Every query is scoped by user_id first: a conversation id
 * alone identifies nothing (clients choose them, many users share "hitesh-conversation").
 */
@Component
class ConversationReads {

    private static final String CONVERSATIONS_OF_USER = """
            SELECT id, conversation_id, persona_id, title, created_at, updated_at
              FROM conversations
             WHERE user_id = :userId
             ORDER BY updated_at DESC, id DESC
             LIMIT :limit
            """;

    private static final String LATEST_WITH_PERSONA = """
            SELECT id, conversation_id, persona_id, title, created_at, updated_at
              FROM conversations
             WHERE user_id = :userId AND persona_id = :personaId
             ORDER BY updated_at DESC, id DESC
             LIMIT 1
            """;

    private static final String CONVERSATION = """
            SELECT id, conversation_id, persona_id, title, created_at, updated_at
              FROM conversations
             WHERE user_id = :userId AND conversation_id = :conversationId
            """;

    // seq is the order the persister stored them in, which is the order clients sent them; keyset
    // paging on it stays cheap however deep the page (messages_in_order index).
    private static final String MESSAGES_PAGE = """
            SELECT message_id, role, content, revision, seq, created_at, updated_at
              FROM messages
             WHERE conversation_pk = :conversationPk AND seq > :after
             ORDER BY seq
             LIMIT :limit
            """;

    private static final String USAGE_OF_DAY = """
            SELECT message_count
              FROM rate_limits
             WHERE user_id = :userId AND day = :day
            """;

    private final JdbcClient jdbc;

    ConversationReads(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's {@code limit} most recently updated conversations. */
    List<StoredConversation> conversationsOf(String userId, int limit) {
        return jdbc.sql(CONVERSATIONS_OF_USER).param("userId", userId).param("limit", limit).query(ConversationReads::conversation).list();
    }

    Optional<StoredConversation> latestWithPersona(String userId, String personaId) {
        return jdbc.sql(LATEST_WITH_PERSONA).param("userId", userId).param("personaId", personaId)
                .query(ConversationReads::conversation).optional();
    }

    Optional<StoredConversation> conversation(String userId, String conversationId) {
        return jdbc.sql(CONVERSATION).param("userId", userId).param("conversationId", conversationId)
                .query(ConversationReads::conversation).optional();
    }

    /** Up to {@code limit} messages after {@code afterSeq}, in order. */
    List<StoredMessage> messages(long conversationPk, long afterSeq, int limit) {
        return jdbc.sql(MESSAGES_PAGE).param("conversationPk", conversationPk).param("after", afterSeq).param("limit", limit)
                .query((rs, row) -> new StoredMessage(
                        rs.getString("message_id"), rs.getString("role"), rs.getString("content"), rs.getInt("revision"),
                        rs.getLong("seq"), instant(rs, "created_at"), instant(rs, "updated_at")))
                .list();
    }

    int messagesStoredOn(String userId, LocalDate day) {
        return jdbc.sql(USAGE_OF_DAY).param("userId", userId).param("day", day).query(Integer.class).optional().orElse(0);
    }

    private static StoredConversation conversation(ResultSet rs, int row) throws SQLException {
        return new StoredConversation(rs.getLong("id"), rs.getString("conversation_id"), rs.getString("persona_id"),
                rs.getString("title"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, java.time.OffsetDateTime.class).toInstant();
    }

    record StoredConversation(long pk, String conversationId, String personaId, String title, Instant createdAt, Instant updatedAt) {
    }

    record StoredMessage(String id, String role, String content, int revision, long seq, Instant createdAt, Instant updatedAt) {
    }
}
