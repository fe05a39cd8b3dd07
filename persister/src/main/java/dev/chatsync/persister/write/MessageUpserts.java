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
import dev.chatsync.persister.metrics.PersisterMetrics;
import dev.chatsync.persister.metrics.Stage;
import dev.chatsync.schemas.ConversationKey;

/**
 * Writes one round of message versions (each message at most once). {@link MessageProbe} first sorts
 * them by digest: new ones go in by {@link MessageCopy}, those equal to the stored version write
 * nothing, and only those that differ from it are sent in full to one statement that applies the
 * rules for several devices:
 * <ul>
 * <li>a version equal to any earlier version the message keeps writes nothing (a device that is
 *     behind re-sending an old copy), nor does one equal to the stored one as jsonb compares;</li>
 * <li>a version without a base, or based on the stored revision or a later one, replaces the stored
 *     one, which moves to message_revisions (a streaming reply updates in place, an edit of the latest);</li>
 * <li>a version based on an earlier revision did not see the stored one. When the stored one has the
 *     same base, the two are concurrent edits and the one whose content hashes greater is current
 *     (so every arrival order ends alike); the other is kept as a conflict revision. Otherwise the
 *     newcomer is stale and kept as a conflict revision.</li>
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

    // Every message of the input is stored and its digest differs from the stored version's
    // (MessageProbe). "judged" splits the changed rows between the two UPDATEs, so no row is modified
    // twice in the statement. No other transaction writes these conversations meanwhile: BatchWriter
    // holds the partition's kafka_offsets row lock, and a conversation lives on one partition.
    // parts and metadata travel as text and become jsonb in the input CTE: jsonb compares by value, so
    // the same JSON in another key order or spacing is unchanged (IS DISTINCT FROM: both may be null);
    // such a message keeps its digest, and the next re-send of the same text comes here again.
    // Revision numbers go to every kept version in arrival order: the next one is above the current
    // and every kept revision, as a conflict kept beside the current takes a number above it.
    // The hash that orders concurrent edits is sha256 of jsonb's text of [role, content, parts,
    // metadata]: jsonb prints keys in one order, so equal values hash alike however the client spelled
    // them.
    // The conversation is written only when its updated_at or its stamp moves: an earlier statement of
    // the same transaction (its upsert, an earlier round) may have stamped it already.
    private static final String SQL = """
            WITH input AS (
                SELECT conversation_pk, message_id, role, content, parts::jsonb AS parts, metadata::jsonb AS metadata, base_revision,
                       timestamptz 'epoch' + accepted_ms * interval '1 millisecond' AS accepted_at, version_hash
                FROM unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::int8[], ?::bytea[])
                    AS i(conversation_pk, message_id, role, content, parts, metadata, base_revision, accepted_ms, version_hash)
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
                    version_hash = j.version_hash, revision = j.next_revision, conflicts = m.conflicts + (j.outcome = 'win')::int,
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
            ), touched AS (
                UPDATE conversations c
                SET updated_at = GREATEST(c.updated_at, t.at), change_xid = GREATEST(c.change_xid, pg_current_xact_id())
                FROM (SELECT conversation_pk, max(accepted_at) AS at FROM judged GROUP BY conversation_pk) t
                WHERE c.id = t.conversation_pk AND (c.updated_at < t.at OR c.change_xid < pg_current_xact_id())
            )
            SELECT 'U', conversation_pk, message_id FROM updated
            UNION ALL
            SELECT 'C', conversation_pk, message_id FROM conflicted
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
    static List<Written> upsert(Connection connection, List<MessageVersion> round, Map<ConversationKey, Long> conversationIds,
                                PersisterMetrics metrics) throws SQLException {
        List<Written> written = new ArrayList<>();
        List<StagedMessage> staged = new ArrayList<>(round.size());
        for (MessageVersion message : round) {
            Long pk = conversationIds.get(message.conversation());
            if (pk == null) {
                written.add(new Written(message, WriteKind.SKIPPED_DELETED));
            } else {
                staged.add(StagedMessage.of(pk, message));
            }
        }
        if (staged.isEmpty()) {
            return written;
        }
        long at = System.nanoTime();
        MessageProbe.Probed probed = MessageProbe.probe(connection, staged);
        at = metrics.timed(Stage.MESSAGE_PROBE, at);
        List<StagedMessage> fresh = new ArrayList<>();
        List<StagedMessage> different = new ArrayList<>();
        for (int i = 0; i < staged.size(); i++) {
            StagedMessage message = staged.get(i);
            switch (probed.verdicts().get(i)) {
                case NEW -> fresh.add(message);
                case DIFFERENT -> different.add(message);
                case BURIED -> written.add(new Written(message.message(), WriteKind.SKIPPED_DELETED));
                case SAME -> {
                    // a re-sync of the stored version: nothing to write
                }
            }
        }
        if (!fresh.isEmpty()) {
            MessageCopy.insert(connection, fresh, probed.changeXid());
            fresh.forEach(message -> written.add(new Written(message.message(), WriteKind.INSERTED)));
            at = metrics.timed(Stage.MESSAGE_COPY, at);
        }
        if (!different.isEmpty()) {
            written.addAll(compare(connection, different));
            metrics.timed(Stage.MESSAGES, at);
        }
        return written;
    }

    /** The rules for several devices, applied to stored messages whose digest differs from the stored version's. */
    private static List<Written> compare(Connection connection, List<StagedMessage> different) throws SQLException {
        Map<Identity, MessageVersion> byIdentity = new HashMap<>(different.size() * 2);
        for (StagedMessage message : different) {
            byIdentity.put(new Identity(message.conversationPk(), message.message().messageId()), message.message());
        }
        List<Written> written = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.int8(connection, different, StagedMessage::conversationPk));
            statement.setArray(2, PgArrays.text(connection, different, m -> m.message().messageId()));
            statement.setArray(3, PgArrays.text(connection, different, m -> m.message().role()));
            statement.setArray(4, PgArrays.text(connection, different, m -> m.message().content()));
            statement.setArray(5, PgArrays.text(connection, different, m -> m.message().parts()));
            statement.setArray(6, PgArrays.text(connection, different, m -> m.message().metadata()));
            statement.setArray(7, PgArrays.int4(connection, different, m -> m.message().baseRevision()));
            statement.setArray(8, PgArrays.epochMillis(connection, different, m -> m.message().acceptedAt()));
            statement.setArray(9, PgArrays.bytea(connection, different, StagedMessage::digest));
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
            case "U" -> WriteKind.UPDATED;
            case "C" -> WriteKind.KEPT_AS_CONFLICT;
            default -> throw new IllegalStateException("unknown write kind " + code);
        };
    }
}
