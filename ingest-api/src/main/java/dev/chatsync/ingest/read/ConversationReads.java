package dev.chatsync.ingest.read;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The queries behind the GET endpoints. Every query is scoped by user_id first: a conversation id
 * alone identifies nothing (clients choose them, many users share "hitesh-conversation").
 *
 * <p>Each form's first statement also reads its {@link ChangeStamp}, in the same snapshot as what it
 * looks up and without touching a message row, so an unchanged poll is answered 304 from it alone.
 * A response's tag is never newer than its body: the body is read by this statement or a later one.
 */
@Component
class ConversationReads {

    // The list changes when a conversation is written (its stamp moves) or deleted (its tombstone's
    // does). A pruned tombstone takes its stamp away; pruned_xid keeps the tag from falling back to a
    // value an earlier list, one that still showed that conversation, was tagged with.
    private static final String STAMP_OF_CONVERSATIONS = """
            SELECT greatest(
                       (SELECT change_xid FROM conversations
                         WHERE user_id = :userId ORDER BY change_xid DESC LIMIT 1),
                       (SELECT change_xid FROM conversation_tombstones
                         WHERE user_id = :userId ORDER BY change_xid DESC LIMIT 1),
                       pruned_xid)::text AS stamp,
                   pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
              FROM feed_horizon
            """;

    private static final String CONVERSATIONS_OF_USER = """
            SELECT id, conversation_id, persona_id, title, created_at, updated_at
              FROM conversations
             WHERE user_id = :userId
             ORDER BY updated_at DESC, id DESC
             LIMIT :limit
            """;

    // Which conversation is the latest with a persona changes with any of them, and when one is
    // deleted: stamped like the list, over that persona's conversations.
    private static final String LATEST_WITH_PERSONA = """
            WITH latest AS (
                SELECT id, conversation_id, persona_id, title, created_at, updated_at
                  FROM conversations
                 WHERE user_id = :userId AND persona_id = :personaId
                 ORDER BY updated_at DESC, id DESC
                 LIMIT 1
            )
            SELECT latest.*,
                   greatest(
                       (SELECT change_xid FROM conversations
                         WHERE user_id = :userId AND persona_id = :personaId ORDER BY change_xid DESC LIMIT 1),
                       (SELECT change_xid FROM conversation_tombstones
                         WHERE user_id = :userId ORDER BY change_xid DESC LIMIT 1),
                       pruned_xid)::text AS stamp,
                   pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
              FROM feed_horizon LEFT JOIN latest ON true
            """;

    // A conversation is re-stamped whenever one of its messages is written, and a re-created one is a
    // new row with a newer stamp: its own stamp covers its messages and its revisions.
    private static final String CONVERSATION = """
            SELECT id, conversation_id, persona_id, title, created_at, updated_at, change_xid::text AS stamp,
                   pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
              FROM conversations
             WHERE user_id = :userId AND conversation_id = :conversationId
            """;

    // seq is the order the persister stored them in, which is the order clients sent them; keyset
    // paging on it stays cheap however deep the page (messages_in_order index).
    private static final String MESSAGES_PAGE = """
            SELECT message_id, role, content, parts, metadata, revision, conflicts, seq, created_at, updated_at
              FROM messages
             WHERE conversation_pk = :conversationPk AND seq > :after
             ORDER BY seq
             LIMIT :limit
            """;

    // One row per kept version, or one row of nulls beside the message when it has none yet; no row
    // at all when there is no such message. A conflict kept beside the current version may carry a
    // higher number than the current one: the persister numbers versions in arrival order.
    private static final String REVISIONS_PAGE = """
            SELECT m.revision AS current_revision,
                   r.revision, r.role, r.content, r.parts, r.metadata, r.conflict, r.based_on, r.stored_at, r.replaced_at
              FROM messages m
              LEFT JOIN LATERAL (
                   SELECT revision, role, content, parts, metadata, conflict, based_on, stored_at, replaced_at
                     FROM message_revisions
                    WHERE conversation_pk = m.conversation_pk AND message_id = m.message_id AND revision < :before
                    ORDER BY revision DESC
                    LIMIT :limit) r ON true
             WHERE m.conversation_pk = :conversationPk AND m.message_id = :messageId
             ORDER BY r.revision DESC
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

    /** The stamp of the user's conversation list: newest of their conversations and tombstones. */
    ChangeStamp stampOfConversations(String userId) {
        return jdbc.sql(STAMP_OF_CONVERSATIONS).param("userId", userId).query(ConversationReads::stamp).single();
    }

    /** The user's {@code limit} most recently updated conversations. */
    List<StoredConversation> conversationsOf(String userId, int limit) {
        return jdbc.sql(CONVERSATIONS_OF_USER).param("userId", userId).param("limit", limit).query(ConversationReads::conversation).list();
    }

    /** The user's latest conversation with the persona, if any, and the stamp of all their conversations with it. */
    Lookup latestWithPersona(String userId, String personaId) {
        return jdbc.sql(LATEST_WITH_PERSONA).param("userId", userId).param("personaId", personaId)
                .query((rs, row) -> new Lookup(rs.getObject("id") == null ? null : conversation(rs, row), stamp(rs, row)))
                .single();
    }

    Optional<Lookup> conversation(String userId, String conversationId) {
        return jdbc.sql(CONVERSATION).param("userId", userId).param("conversationId", conversationId)
                .query((rs, row) -> new Lookup(conversation(rs, row), stamp(rs, row))).optional();
    }

    /** Up to {@code limit} messages after {@code afterSeq}, in order. */
    List<StoredMessage> messages(long conversationPk, long afterSeq, int limit) {
        return jdbc.sql(MESSAGES_PAGE).param("conversationPk", conversationPk).param("after", afterSeq).param("limit", limit)
                .query((rs, row) -> new StoredMessage(
                        rs.getString("message_id"), rs.getString("role"), rs.getString("content"),
                        rs.getString("parts"), rs.getString("metadata"), rs.getInt("revision"), rs.getInt("conflicts"),
                        rs.getLong("seq"), instant(rs, "created_at"), instant(rs, "updated_at")))
                .list();
    }

    /** Up to {@code limit} kept versions below revision {@code before}, newest first; empty when there is no such message. */
    Optional<Revisions> revisions(long conversationPk, String messageId, int before, int limit) {
        List<RevisionRow> rows = jdbc.sql(REVISIONS_PAGE).param("conversationPk", conversationPk).param("messageId", messageId)
                .param("before", before).param("limit", limit)
                .query((rs, row) -> new RevisionRow(rs.getInt("current_revision"), rs.getObject("revision") == null ? null
                        : new StoredRevision(rs.getInt("revision"), rs.getString("role"), rs.getString("content"),
                                rs.getString("parts"), rs.getString("metadata"), rs.getBoolean("conflict"),
                                rs.getObject("based_on", Integer.class), instant(rs, "stored_at"), instant(rs, "replaced_at"))))
                .list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<StoredRevision> earlier = rows.stream().map(RevisionRow::revision).filter(revision -> revision != null).toList();
        return Optional.of(new Revisions(rows.get(0).currentRevision(), earlier));
    }

    int messagesStoredOn(String userId, LocalDate day) {
        return jdbc.sql(USAGE_OF_DAY).param("userId", userId).param("day", day).query(Integer.class).optional().orElse(0);
    }

    private static StoredConversation conversation(ResultSet rs, int row) throws SQLException {
        return new StoredConversation(rs.getLong("id"), rs.getString("conversation_id"), rs.getString("persona_id"),
                rs.getString("title"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static ChangeStamp stamp(ResultSet rs, int row) throws SQLException {
        return ChangeStamp.parse(rs.getString("stamp"), rs.getString("horizon"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    record StoredConversation(long pk, String conversationId, String personaId, String title, Instant createdAt, Instant updatedAt) {
    }

    /** A conversation looked up (null when there is none) with the stamp its response is tagged by. */
    record Lookup(StoredConversation conversation, ChangeStamp stamp) {
    }

    record StoredMessage(String id, String role, String content, String parts, String metadata, int revision, int conflicts,
            long seq, Instant createdAt, Instant updatedAt) {
    }

    /**
     * @param conflict whether this version was kept as a conflict (a stale edit, or the loser of two edits of one revision)
     * @param basedOn  the revision it was edited from, null when its writer sent none
     */
    record StoredRevision(int revision, String role, String content, String parts, String metadata, boolean conflict, Integer basedOn,
            Instant storedAt, Instant replacedAt) {
    }

    /** The message's current revision number and a page of the other versions it keeps. */
    record Revisions(int currentRevision, List<StoredRevision> earlier) {
    }

    private record RevisionRow(int currentRevision, StoredRevision revision) {
    }
}
