package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import dev.chatsync.persister.fold.FoldedBatch.ConversationDelete;

/**
 * Deletes conversations; their messages and revisions go with them (ON DELETE CASCADE). Each
 * conversation actually deleted leaves a tombstone stamped with the transaction, so that the changes
 * feed tells other devices, holding the ids of the messages it had, so that a device which missed the
 * delete and re-sends them does not bring them back; a delete of a conversation that is not stored
 * leaves none.
 */
final class ConversationDeletes {

    // The tombstone is keyed by identity, not by the deleted row: a conversation deleted again after
    // it was re-created moves its one tombstone forward and adds the ids it had since. Those are
    // never already in it: a message whose id the tombstone holds is not stored again.
    // The message ids are read in the same statement as the delete, so from its snapshot, which
    // still holds the messages the cascade removes at the statement's end.
    private static final String SQL = """
            WITH input AS (
                SELECT user_id, conversation_id, timestamptz 'epoch' + deleted_ms * interval '1 millisecond' AS deleted_at
                FROM unnest(?::text[], ?::text[], ?::int8[]) AS d(user_id, conversation_id, deleted_ms)
            ), deleted AS (
                DELETE FROM conversations c
                USING input d
                WHERE c.user_id = d.user_id AND c.conversation_id = d.conversation_id
                RETURNING c.id, c.user_id, c.conversation_id, d.deleted_at
            ), tombstones AS (
                INSERT INTO conversation_tombstones AS t (user_id, conversation_id, conversation_pk, deleted_at, change_xid, message_ids)
                SELECT d.user_id, d.conversation_id, d.id, d.deleted_at, pg_current_xact_id(),
                       ARRAY(SELECT m.message_id FROM messages m WHERE m.conversation_pk = d.id ORDER BY m.seq)
                FROM deleted d
                ON CONFLICT (user_id, conversation_id) DO UPDATE
                SET conversation_pk = excluded.conversation_pk, deleted_at = excluded.deleted_at, change_xid = excluded.change_xid,
                    message_ids = t.message_ids || excluded.message_ids
            )
            SELECT count(*) FROM deleted
            """;

    private ConversationDeletes() {
    }

    /** @return how many stored conversations were deleted */
    static int delete(Connection connection, List<ConversationDelete> deletes) throws SQLException {
        if (deletes.isEmpty()) {
            return 0;
        }
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.text(connection, deletes, d -> d.key().userId()));
            statement.setArray(2, PgArrays.text(connection, deletes, d -> d.key().conversationId()));
            statement.setArray(3, PgArrays.epochMillis(connection, deletes, ConversationDelete::deletedAt));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
