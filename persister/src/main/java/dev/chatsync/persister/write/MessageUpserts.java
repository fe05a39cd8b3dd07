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
 * Writes one round of message versions (each message at most once) in a single statement, by the rules
 * for several devices:
 * <ul>
 * <li>a version equal to the stored one, or to any earlier version the message keeps, writes nothing
 *     (a re-sync, or a device that is behind re-sending an old copy);</li>
 * <li>a version without a base, or based on the stored revision or a later one, replaces the stored
 *     one, which moves to message_revisions (a streaming reply updates in place, an edit of the latest);</li>
 * <li>a version based on an earlier revision did not see the stored one. When the stored one has the
 *     same base, the two are concurrent edits and the one whose content hashes greater is current
 *     (so every arrival order ends alike); the other is kept as a conflict revision. Otherwise the
 *     newcomer is stale and kept as a conflict revision;</li>
 * <li>a new message is inserted in Kafka order (its seq), unless a delete of its conversation removed
 *     a message with its id: that is a re-send from a device that missed the delete.</li>
 * </ul>
 * The conversations of written messages get their updated_at moved forward. Every row written is
 * stamped with the transaction ({@code change_xid}); so is the conversation of each, which keeps a
 * conversation's stamp at least that of each of its messages.
 */
final class MessageUpserts {

    /** How a message of the round was written; unchanged messages are not returned at all. */
    enum WriteKind {
        INSERTED,
        /** the version became current */
        UPDATED,
        /** the version was kept as a conflict revision; the current one stays */
        KEPT_AS_CONFLICT,
        /** not stored: a delete removed a message with this id, or its conversation stays deleted */
        SKIPPED_DELETED
    }

    record Written(MessageVersion message, WriteKind kind) {
    }

    // "changed" and "new_rows" partition the input by the statement's snapshot, so the UPDATEs and the
    // INSERT never reach the same row (Postgres cannot modify a row twice in one statement); "judged"
    // splits the changed rows between the two UPDATEs. No other transaction writes these
    // conversations meanwhile: BatchWriter holds the partition's kafka_offsets row lock, and a
    // conversation lives on one partition.
    // parts and metadata travel as text and become jsonb in the input CTE: jsonb compares by value, so
    // the same JSON in another key order or spacing is unchanged (IS DISTINCT FROM: both may be null).
    // An unchanged re-sync costs the two index probes of "changed" and "new_rows" and nothing else:
    // the earlier versions are read only for rows that differ from the stored one, the tombstones
    // only for rows not stored.
    // Revision numbers go to every kept version in arrival order: the next one is above the current
    // and every kept revision, as a conflict kept beside the current takes a number above it.
    // The hash of a version is sha256 of jsonb's text of [role, content, parts, metadata]: jsonb
    // prints keys in one order, so equal values hash alike however the client spelled them.
    // A live message never has an id in its conversation's tombstone (such inserts are refused), so
    // only new rows are checked against it.
    // The conversation is written only when its updated_at or its stamp moves: an earlier statement of
    // the same transaction (its upsert, an earlier round) may have stamped it already.
    private static final String SQL = """
            WITH input AS (
                SELECT conversation_pk, message_id, role, content, parts::jsonb AS parts, metadata::jsonb AS metadata, base_revision,
                       timestamptz 'epoch' + created_ms * interval '1 millisecond' AS created_at,
                       timestamptz 'epoch' + accepted_ms * interval '1 millisecond' AS accepted_at,
                       ord
                FROM unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::int8[], ?::int8[]) WITH ORDINALITY
                    AS i(conversation_pk, message_id, role, content, parts, metadata, base_revision, created_ms, accepted_ms, ord)
            ), changed AS (
                SELECT i.*, m.revision AS old_revision, m.based_on AS old_based_on, m.role AS old_role, m.content AS old_content,
                       m.parts AS old_parts, m.metadata AS old_metadata, m.updated_at AS old_updated_at
                FROM input i JOIN messages m ON m.conversation_pk = i.conversation_pk AND m.message_id = i.message_id
                WHERE m.role <> i.role OR m.content <> i.content
                   OR m.parts IS DISTINCT FROM i.parts OR m.metadata IS DISTINCT FROM i.metadata
            ), judged AS (
                SELECT ch.*, GREATEST(ch.old_revision, kept.last_revision) + 1 AS next_revision,
                       CASE
                           WHEN ch.base_revision IS NULL OR ch.base_revision >= ch.old_revision THEN 'replace'
                           WHEN ch.old_based_on = ch.base_revision
                                AND sha256(convert_to(jsonb_build_array(ch.role, ch.content, ch.parts, ch.metadata)::text, 'UTF8'))
                                  > sha256(convert_to(jsonb_build_array(ch.old_role, ch.old_content, ch.old_parts, ch.old_metadata)::text, 'UTF8'))
                               THEN 'win'
                           ELSE 'conflict'
                       END AS outcome
                FROM changed ch
                CROSS JOIN LATERAL (
                    SELECT max(r.revision) AS last_revision,
                           bool_or(r.role = ch.role AND r.content = ch.content
                                   AND r.parts IS NOT DISTINCT FROM ch.parts AND r.metadata IS NOT DISTINCT FROM ch.metadata) AS seen
                    FROM message_revisions r
                    WHERE r.conversation_pk = ch.conversation_pk AND r.message_id = ch.message_id
                ) kept
                WHERE kept.seen IS NOT TRUE
            ), new_rows AS (
                SELECT i.* FROM input i
                WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_pk = i.conversation_pk AND m.message_id = i.message_id)
            ), buried AS MATERIALIZED (
                SELECT c.id AS conversation_pk, b.message_id
                FROM (SELECT DISTINCT conversation_pk FROM new_rows) n
                JOIN conversations c ON c.id = n.conversation_pk
                JOIN conversation_tombstones t ON t.user_id = c.user_id AND t.conversation_id = c.conversation_id
                CROSS JOIN LATERAL unnest(t.message_ids) AS b(message_id)
            ), fresh AS (
                SELECT n.* FROM new_rows n
                WHERE NOT EXISTS (SELECT 1 FROM buried b WHERE b.conversation_pk = n.conversation_pk AND b.message_id = n.message_id)
            ), revised AS (
                INSERT INTO message_revisions (conversation_pk, message_id, revision, role, content, parts, metadata,
                                               conflict, based_on, stored_at, replaced_at)
                SELECT conversation_pk, message_id, old_revision, old_role, old_content, old_parts, old_metadata,
                       outcome = 'win', old_based_on, old_updated_at, accepted_at
                FROM judged WHERE outcome <> 'conflict'
                UNION ALL
                SELECT conversation_pk, message_id, next_revision, role, content, parts, metadata,
                       true, base_revision, accepted_at, accepted_at
                FROM judged WHERE outcome = 'conflict'
            ), updated AS (
                UPDATE messages m
                SET role = j.role, content = j.content, parts = j.parts, metadata = j.metadata, based_on = j.base_revision,
                    revision = j.next_revision, conflicts = m.conflicts + (j.outcome = 'win')::int,
                    updated_at = j.accepted_at, change_xid = pg_current_xact_id()
                FROM judged j
                WHERE j.outcome <> 'conflict' AND m.conversation_pk = j.conversation_pk AND m.message_id = j.message_id
                RETURNING m.conversation_pk, m.message_id
            ), conflicted AS (
                UPDATE messages m
                SET conflicts = m.conflicts + 1, change_xid = pg_current_xact_id()
                FROM judged j
                WHERE j.outcome = 'conflict' AND m.conversation_pk = j.conversation_pk AND m.message_id = j.message_id
                RETURNING m.conversation_pk, m.message_id
            ), inserted AS (
                INSERT INTO messages (conversation_pk, message_id, role, content, parts, metadata, based_on, created_at, updated_at, change_xid)
                SELECT conversation_pk, message_id, role, content, parts, metadata, base_revision, created_at, accepted_at, pg_current_xact_id()
                FROM fresh ORDER BY ord
                RETURNING conversation_pk, message_id
            ), touched AS (
                UPDATE conversations c
                SET updated_at = GREATEST(c.updated_at, t.at), change_xid = GREATEST(c.change_xid, pg_current_xact_id())
                FROM (SELECT conversation_pk, max(accepted_at) AS at
                      FROM (SELECT conversation_pk, accepted_at FROM judged UNION ALL SELECT conversation_pk, accepted_at FROM fresh) x
                      GROUP BY conversation_pk) t
                WHERE c.id = t.conversation_pk AND (c.updated_at < t.at OR c.change_xid < pg_current_xact_id())
            )
            SELECT 'U', conversation_pk, message_id FROM updated
            UNION ALL
            SELECT 'C', conversation_pk, message_id FROM conflicted
            UNION ALL
            SELECT 'I', conversation_pk, message_id FROM inserted
            UNION ALL
            SELECT 'D', conversation_pk, message_id FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.ord = n.ord)
            """;

    private record Identity(long conversationPk, String messageId) {
    }

    private MessageUpserts() {
    }

    /**
     * @param conversationIds the rows of the round's conversations; a message whose conversation has
     *                        none is a re-send into a conversation that stays deleted, and not stored
     * @return the messages written or skipped; the rest of the round was unchanged
     */
    static List<Written> upsert(Connection connection, List<MessageVersion> round, Map<ConversationKey, Long> conversationIds) throws SQLException {
        List<Written> written = new ArrayList<>();
        List<MessageVersion> stored = new ArrayList<>(round.size());
        List<Long> pks = new ArrayList<>(round.size());
        Map<Identity, MessageVersion> byIdentity = new HashMap<>(round.size() * 2);
        for (MessageVersion message : round) {
            Long pk = conversationIds.get(message.conversation());
            if (pk == null) {
                written.add(new Written(message, WriteKind.SKIPPED_DELETED));
                continue;
            }
            stored.add(message);
            pks.add(pk);
            byIdentity.put(new Identity(pk, message.messageId()), message);
        }
        if (stored.isEmpty()) {
            return written;
        }
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.int8(connection, pks, pk -> pk));
            statement.setArray(2, PgArrays.text(connection, stored, MessageVersion::messageId));
            statement.setArray(3, PgArrays.text(connection, stored, MessageVersion::role));
            statement.setArray(4, PgArrays.text(connection, stored, MessageVersion::content));
            statement.setArray(5, PgArrays.text(connection, stored, MessageVersion::parts));
            statement.setArray(6, PgArrays.text(connection, stored, MessageVersion::metadata));
            statement.setArray(7, PgArrays.int4(connection, stored, MessageVersion::baseRevision));
            statement.setArray(8, PgArrays.epochMillis(connection, stored, MessageVersion::createdAt));
            statement.setArray(9, PgArrays.epochMillis(connection, stored, MessageVersion::acceptedAt));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    MessageVersion message = byIdentity.get(new Identity(rows.getLong(2), rows.getString(3)));
                    written.add(new Written(message, kindOf(rows.getString(1))));
                }
            }
        }
        return written;
    }

    private static WriteKind kindOf(String code) {
        return switch (code) {
            case "I" -> WriteKind.INSERTED;
            case "U" -> WriteKind.UPDATED;
            case "C" -> WriteKind.KEPT_AS_CONFLICT;
            case "D" -> WriteKind.SKIPPED_DELETED;
            default -> throw new IllegalStateException("unknown write kind " + code);
        };
    }
}
