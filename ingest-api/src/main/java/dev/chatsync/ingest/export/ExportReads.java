package dev.chatsync.ingest.export;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The keyset pages an export reads, each a short statement of its own: no cursor or connection is
 * held while the client downloads what the previous page became.
 */
@Component
class ExportReads {

    // conversations_identity (user_id, conversation_id) serves both the filter and the order. By
    // conversation id rather than by row id: an import creates rows in whatever order its partitions
    // are written, and its export must list the conversations as the original did.
    private static final String CONVERSATIONS = """
            SELECT id, conversation_id, persona_id, title, created_at, updated_at
              FROM conversations
             WHERE user_id = :userId AND conversation_id > :after
             ORDER BY conversation_id
             LIMIT :limit
            """;

    // seq is the order the messages were sent in (messages_in_order)
    private static final String MESSAGES = """
            SELECT seq, 0 AS version, message_id, role, content, parts, metadata, revision, conflicts, created_at, updated_at,
                   NULL::boolean AS conflict, NULL::integer AS based_on, NULL::timestamptz AS stored_at, NULL::timestamptz AS replaced_at
              FROM messages
             WHERE conversation_pk = :conversationPk AND seq > :afterSeq
             ORDER BY seq
             LIMIT :limit
            """;

    // Each message (version 0) followed by the versions it keeps, oldest first; paged by (seq, version)
    // so that one page holds a bounded number of rows however many revisions a message has.
    private static final String MESSAGES_WITH_REVISIONS = """
            SELECT * FROM (
                SELECT seq, 0 AS version, message_id, role, content, parts, metadata, revision, conflicts, created_at, updated_at,
                       NULL::boolean AS conflict, NULL::integer AS based_on, NULL::timestamptz AS stored_at, NULL::timestamptz AS replaced_at
                  FROM messages
                 WHERE conversation_pk = :conversationPk AND seq >= :afterSeq
                UNION ALL
                SELECT m.seq, r.revision, m.message_id, r.role, r.content, r.parts, r.metadata, r.revision, 0, NULL, NULL,
                       r.conflict, r.based_on, r.stored_at, r.replaced_at
                  FROM messages m
                  JOIN message_revisions r ON r.conversation_pk = m.conversation_pk AND r.message_id = m.message_id
                 WHERE m.conversation_pk = :conversationPk AND m.seq >= :afterSeq
            ) v
             WHERE (seq, version) > (:afterSeq, :afterVersion)
             ORDER BY seq, version
             LIMIT :limit
            """;

    private final JdbcClient jdbc;

    ExportReads(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Up to {@code limit} of the user's conversations after the id {@code after} ("" for the first page). */
    List<Conversation> conversations(String userId, String after, int limit) {
        return jdbc.sql(CONVERSATIONS).param("userId", userId).param("after", after).param("limit", limit)
                .query((rs, row) -> new Conversation(rs.getLong("id"), rs.getString("conversation_id"), rs.getString("persona_id"),
                        rs.getString("title"), instant(rs, "created_at"), instant(rs, "updated_at")))
                .list();
    }

    /** Up to {@code limit} rows after the row {@code (afterSeq, afterVersion)}; (0, 0) for the first page. */
    List<Row> rows(long conversationPk, boolean withRevisions, long afterSeq, int afterVersion, int limit) {
        return jdbc.sql(withRevisions ? MESSAGES_WITH_REVISIONS : MESSAGES)
                .param("conversationPk", conversationPk).param("afterSeq", afterSeq).param("afterVersion", afterVersion).param("limit", limit)
                .query((rs, row) -> new Row(rs.getLong("seq"), rs.getInt("version"), rs.getString("message_id"), rs.getString("role"),
                        rs.getString("content"), rs.getString("parts"), rs.getString("metadata"), rs.getInt("revision"), rs.getInt("conflicts"),
                        instant(rs, "created_at"), instant(rs, "updated_at"), rs.getObject("conflict", Boolean.class),
                        rs.getObject("based_on", Integer.class), instant(rs, "stored_at"), instant(rs, "replaced_at")))
                .list();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    record Conversation(long pk, String conversationId, String personaId, String title, Instant createdAt, Instant updatedAt) {
    }

    /**
     * A message (version 0: createdAt, updatedAt and conflicts set) or one of the versions it keeps
     * (version = its revision: conflict, basedOn, storedAt and replacedAt set). parts and metadata
     * are jsonb text, null when absent.
     */
    record Row(long seq, int version, String messageId, String role, String content, String parts, String metadata, int revision,
            int conflicts, Instant createdAt, Instant updatedAt, Boolean conflict, Integer basedOn, Instant storedAt, Instant replacedAt) {

        boolean isMessage() {
            return version == 0;
        }
    }
}
