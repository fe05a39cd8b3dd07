package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sorts a round of message versions by what the database holds, sending only identities and digests:
 * new (to be inserted), buried (a delete removed a message with this id: a re-send from a device that
 * missed the delete, not stored), the same as the stored version (nothing to do), or different (the
 * exact comparison in {@link MessageUpserts} decides). The conversations of the new messages get their
 * updated_at moved forward and their stamp in the same statement, as the insert that follows will
 * write them in this transaction.
 */
final class MessageProbe {

    enum Verdict {
        NEW, BURIED, SAME, DIFFERENT
    }

    /**
     * @param verdicts  one per staged message, in its order
     * @param changeXid the transaction's id, the change stamp of the rows it writes; null when every message was the same
     */
    record Probed(List<Verdict> verdicts, String changeXid) {
    }

    // A live message never has an id in its conversation's tombstone (such inserts are refused), so
    // only messages without a row are looked up there; CASE evaluates that subquery only for them.
    // No other transaction writes these conversations meanwhile: BatchWriter holds the partition's
    // kafka_offsets row lock, and a conversation lives on one partition. Only the verdicts that call
    // for work come back.
    private static final String SQL = """
            WITH input AS (
                SELECT conversation_pk, message_id, version_hash,
                       timestamptz 'epoch' + accepted_ms * interval '1 millisecond' AS accepted_at, ord
                FROM unnest(?::int8[], ?::text[], ?::bytea[], ?::int8[]) WITH ORDINALITY
                    AS i(conversation_pk, message_id, version_hash, accepted_ms, ord)
            ), judged AS MATERIALIZED (
                SELECT i.ord, i.conversation_pk, i.accepted_at,
                       CASE
                           WHEN m.conversation_pk IS NOT NULL THEN CASE WHEN m.version_hash = i.version_hash THEN 'S' ELSE 'X' END
                           WHEN EXISTS (SELECT 1
                                        FROM conversations c
                                        JOIN conversation_tombstones t ON t.user_id = c.user_id AND t.conversation_id = c.conversation_id
                                        WHERE c.id = i.conversation_pk AND i.message_id = ANY (t.message_ids)) THEN 'D'
                           ELSE 'N'
                       END AS verdict
                FROM input i
                LEFT JOIN messages m ON m.conversation_pk = i.conversation_pk AND m.message_id = i.message_id
            ), touched AS (
                UPDATE conversations c
                SET updated_at = GREATEST(c.updated_at, t.at), change_xid = GREATEST(c.change_xid, pg_current_xact_id())
                FROM (SELECT conversation_pk, max(accepted_at) AS at FROM judged WHERE verdict = 'N' GROUP BY conversation_pk) t
                WHERE c.id = t.conversation_pk AND (c.updated_at < t.at OR c.change_xid < pg_current_xact_id())
            )
            SELECT ord, verdict, pg_current_xact_id()::text AS change_xid FROM judged WHERE verdict <> 'S'
            """;

    private MessageProbe() {
    }

    static Probed probe(Connection connection, List<StagedMessage> staged) throws SQLException {
        List<Verdict> verdicts = new ArrayList<>(staged.size());
        for (int i = 0; i < staged.size(); i++) {
            verdicts.add(Verdict.SAME);
        }
        String changeXid = null;
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.int8(connection, staged, StagedMessage::conversationPk));
            statement.setArray(2, PgArrays.text(connection, staged, s -> s.message().messageId()));
            statement.setArray(3, PgArrays.bytea(connection, staged, StagedMessage::digest));
            statement.setArray(4, PgArrays.epochMillis(connection, staged, s -> s.message().acceptedAt()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    verdicts.set(rows.getInt(1) - 1, verdictOf(rows.getString(2)));
                    changeXid = rows.getString(3);
                }
            }
        }
        return new Probed(verdicts, changeXid);
    }

    private static Verdict verdictOf(String code) {
        return switch (code) {
            case "N" -> Verdict.NEW;
            case "D" -> Verdict.BURIED;
            case "X" -> Verdict.DIFFERENT;
            default -> throw new IllegalStateException("unknown verdict " + code);
        };
    }
}
