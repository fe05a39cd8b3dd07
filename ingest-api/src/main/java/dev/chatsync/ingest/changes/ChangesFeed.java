package dev.chatsync.ingest.changes;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.chatsync.ingest.read.MessageView;

/**
 * The statements of the changes feed. Each computes the horizon, {@code pg_snapshot_xmin(pg_current_snapshot())},
 * in the same statement, so in the same snapshot, as the rows it reads: every transaction below it
 * has ended, so rows stamped below it are final, and the feed returns only those. A row stamped at or
 * above it waits for a later read, even when its transaction has committed: one with a lower id may
 * still commit rows that belong before it.
 */
@Component
class ChangesFeed {

    // A conversation is re-stamped whenever one of its messages is written, and all writes of one
    // conversation come from one partition, one transaction after the other: its stamp is never below
    // its messages'. So the messages past the cursor are those of the conversations stamped at or
    // after the cursor (conversations_changes), found per conversation by messages_changes, at most a
    // page of them each. A message below the horizon is returned even while its conversation's newer
    // stamp is not: the cursor moves past it.
    private static final String PAGE = """
            WITH changed AS (
                SELECT id, change_xid
                  FROM conversations
                 WHERE user_id = :userId AND change_xid >= CAST(:afterXid AS xid8)
            ),
            page AS (
                SELECT 'c' AS kind, change_xid AS xid, id AS pk, 0::bigint AS seq,
                       NULL::text AS deleted_id, NULL::timestamptz AS deleted_at
                  FROM changed
                 WHERE change_xid < pg_snapshot_xmin(pg_current_snapshot())
                   AND (change_xid, id, 0::bigint) > (CAST(:afterXid AS xid8), :afterPk, :afterSeq)
                UNION ALL
                SELECT 'm', m.change_xid, m.conversation_pk, m.seq, NULL, NULL
                  FROM changed c
                 CROSS JOIN LATERAL (
                       SELECT change_xid, conversation_pk, seq
                         FROM messages
                        WHERE conversation_pk = c.id
                          AND change_xid >= CAST(:afterXid AS xid8) AND change_xid < pg_snapshot_xmin(pg_current_snapshot())
                          AND (change_xid, conversation_pk, seq) > (CAST(:afterXid AS xid8), :afterPk, :afterSeq)
                        ORDER BY change_xid, seq
                        LIMIT :limit) m
                UNION ALL
                SELECT 't', change_xid, conversation_pk, 0, conversation_id, deleted_at
                  FROM conversation_tombstones
                 WHERE user_id = :userId
                   AND change_xid >= CAST(:afterXid AS xid8) AND change_xid < pg_snapshot_xmin(pg_current_snapshot())
                   AND (change_xid, conversation_pk, 0::bigint) > (CAST(:afterXid AS xid8), :afterPk, :afterSeq)
                 ORDER BY xid, pk, seq
                 LIMIT :limit
            )
            SELECT h.horizon::text AS horizon, h.pruned_xid::text AS pruned,
                   p.kind, p.xid::text AS xid, p.pk, p.seq, p.deleted_id, p.deleted_at,
                   c.conversation_id, c.persona_id, c.title, c.created_at, c.updated_at,
                   m.message_id, m.role, m.content, m.parts, m.metadata, m.revision, m.conflicts,
                   m.created_at AS message_created_at, m.updated_at AS message_updated_at
              FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon, pruned_xid FROM feed_horizon) h
              LEFT JOIN page p ON true
              LEFT JOIN conversations c ON c.id = p.pk AND p.kind <> 't'
              LEFT JOIN messages m ON m.conversation_pk = p.pk AND m.seq = p.seq AND p.kind = 'm'
             ORDER BY p.xid, p.pk, p.seq
            """;

    // One statement for every waiting user. Conversations and tombstones suffice: a message's write
    // re-stamps its conversation. Two backward index probes per user.
    private static final String NEWEST = """
            SELECT u.user_id,
                   greatest(
                       (SELECT change_xid FROM conversations
                         WHERE user_id = u.user_id AND change_xid < pg_snapshot_xmin(pg_current_snapshot())
                         ORDER BY change_xid DESC LIMIT 1),
                       (SELECT change_xid FROM conversation_tombstones
                         WHERE user_id = u.user_id AND change_xid < pg_snapshot_xmin(pg_current_snapshot())
                         ORDER BY change_xid DESC LIMIT 1))::text AS newest
              FROM unnest(CAST(:users AS text[])) AS u(user_id)
            """;

    private final JdbcClient jdbc;

    ChangesFeed(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Up to {@code limit} of the user's feed rows after {@code after} (one more tells whether more follow). */
    FeedPage page(String userId, FeedKey after, int limit) {
        List<Row> rows = jdbc.sql(PAGE).param("userId", userId)
                .param("afterXid", Long.toString(after.xid())).param("afterPk", after.pk()).param("afterSeq", after.seq())
                .param("limit", limit + 1)
                .query(ChangesFeed::row).list();
        long horizon = Long.parseLong(rows.get(0).horizon());
        long pruned = Long.parseLong(rows.get(0).pruned());
        List<Row> found = rows.get(0).key() == null ? List.of() : rows;
        boolean more = found.size() > limit;
        List<Row> page = more ? found.subList(0, limit) : found;
        FeedKey next = more ? page.get(page.size() - 1).key() : after.max(FeedKey.before(horizon));
        return assemble(page, next, more, pruned);
    }

    /** The newest change stamp below the horizon of each user that has one. */
    Map<String, Long> newest(Collection<String> users) {
        Map<String, Long> newest = new HashMap<>();
        jdbc.sql(NEWEST).param("users", new SqlArrayValue("text", users.toArray()))
                .query(rs -> {
                    String stamp = rs.getString("newest");
                    if (stamp != null) {
                        newest.put(rs.getString("user_id"), Long.parseLong(stamp));
                    }
                });
        return newest;
    }

    // Conversations in the order their first row came; their messages in conversation order.
    private static FeedPage assemble(List<Row> rows, FeedKey next, boolean more, long pruned) {
        Map<Long, Changed> conversations = new LinkedHashMap<>();
        List<DeletedConversation> deleted = new ArrayList<>();
        for (Row row : rows) {
            if (row.kind().equals("t")) {
                deleted.add(row.deleted());
                continue;
            }
            Changed changed = conversations.computeIfAbsent(row.key().pk(), pk -> new Changed(row.conversation(), new ArrayList<>()));
            if (row.kind().equals("m")) {
                changed.messages().add(new FeedMessage(row.message(), row.key().seq()));
            }
        }
        List<ChangedConversation> changed = conversations.values().stream().map(Changed::view).toList();
        return new FeedPage(changed, deleted, rows.size(), next, more, pruned);
    }

    private static Row row(ResultSet rs, int index) throws SQLException {
        String horizon = rs.getString("horizon");
        String pruned = rs.getString("pruned");
        String kind = rs.getString("kind");
        if (kind == null) {
            return new Row(horizon, pruned, null, null, null, null, null);
        }
        FeedKey key = new FeedKey(Long.parseLong(rs.getString("xid")), rs.getLong("pk"), rs.getLong("seq"));
        if (kind.equals("t")) {
            return new Row(horizon, pruned, kind, key, null, null, new DeletedConversation(rs.getString("deleted_id"), instant(rs, "deleted_at")));
        }
        ChangedConversation conversation = new ChangedConversation(rs.getString("conversation_id"), rs.getString("persona_id"),
                rs.getString("title"), instant(rs, "created_at"), instant(rs, "updated_at"), List.of());
        MessageView message = !kind.equals("m") ? null : new MessageView(rs.getString("message_id"), rs.getString("role"),
                rs.getString("content"), rs.getString("parts"), rs.getString("metadata"), rs.getInt("revision"), rs.getInt("conflicts"),
                instant(rs, "message_created_at"), instant(rs, "message_updated_at"));
        return new Row(horizon, pruned, kind, key, conversation, message, null);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /**
     * One page of a user's feed.
     *
     * @param rows   how many feed rows it holds (conversation rows, messages and tombstones)
     * @param next   where the next page starts: the last row's key when more follow, else just below the horizon
     * @param pruned the newest stamp of a pruned tombstone
     */
    record FeedPage(List<ChangedConversation> conversations, List<DeletedConversation> deleted, int rows, FeedKey next,
            boolean more, long pruned) {

        boolean isEmpty() {
            return rows == 0;
        }

        /** Whether a tombstone a device at {@code cursor} has not seen yet may have been pruned. */
        boolean prunedPast(FeedKey cursor) {
            return pruned > 0 && cursor.compareTo(FeedKey.before(pruned + 1)) < 0;
        }
    }

    /** A conversation as the feed answers it: its current metadata and those of its messages in the page. */
    record ChangedConversation(String conversationId, String personaId, String title, Instant createdAt, Instant updatedAt,
            List<FeedMessage> messages) {
    }

    /**
     * A message as every read answers it, and its position: the feed delivers messages by change, so a
     * device that did not have a message yet learns from it where the message goes among the others.
     * Positions order one conversation's messages and mean nothing else.
     */
    record FeedMessage(@JsonUnwrapped MessageView message, long position) {
    }

    record DeletedConversation(String conversationId, Instant deletedAt) {
    }

    private record Row(String horizon, String pruned, String kind, FeedKey key, ChangedConversation conversation,
            MessageView message, DeletedConversation deleted) {
    }

    private record Changed(ChangedConversation conversation, List<FeedMessage> messages) {
        ChangedConversation view() {
            List<FeedMessage> inOrder = messages.stream().sorted(Comparator.comparingLong(FeedMessage::position)).toList();
            return new ChangedConversation(conversation.conversationId(), conversation.personaId(), conversation.title(),
                    conversation.createdAt(), conversation.updatedAt(), inOrder);
        }
    }
}
