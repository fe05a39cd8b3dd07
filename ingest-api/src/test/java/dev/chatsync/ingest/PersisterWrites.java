package dev.chatsync.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

import dev.chatsync.testsupport.TestPostgres;

/**
 * One transaction that writes rows as the persister writes them (same columns): every row it inserts
 * or changes is stamped with {@code pg_current_xact_id()}, a conversation is re-stamped with its
 * messages, a changed message leaves its earlier version in message_revisions, a conflict is kept
 * there beside the current version, and a delete leaves a tombstone. Open until {@link #commit()}; closing an uncommitted one rolls it back.
 */
final class PersisterWrites implements AutoCloseable {

    private final Connection connection;
    private final long xid;

    private PersisterWrites(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
        this.xid = Long.parseLong(single("SELECT pg_current_xact_id()::text"));
    }

    static PersisterWrites begin(TestPostgres.Database database) throws SQLException {
        return new PersisterWrites(database.connect());
    }

    /** This transaction's id: the stamp of everything it writes. */
    long xid() {
        return xid;
    }

    /** Creates or updates a conversation; returns its pk. */
    long conversation(String userId, String conversationId, String personaId, String title) throws SQLException {
        try (PreparedStatement user = connection.prepareStatement("INSERT INTO users (id) VALUES (?) ON CONFLICT DO NOTHING")) {
            user.setString(1, userId);
            user.executeUpdate();
        }
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO conversations (user_id, conversation_id, persona_id, title, created_at, updated_at, change_xid)
                VALUES (?, ?, ?, ?, clock_timestamp(), clock_timestamp(), pg_current_xact_id())
                ON CONFLICT (user_id, conversation_id) DO UPDATE
                   SET persona_id = excluded.persona_id, title = excluded.title,
                       updated_at = excluded.updated_at, change_xid = excluded.change_xid
                RETURNING id""")) {
            upsert.setString(1, userId);
            upsert.setString(2, conversationId);
            upsert.setString(3, personaId);
            upsert.setString(4, title);
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Inserts a message, or replaces a changed one (keeping its earlier version); re-stamps the conversation. */
    void message(long conversationPk, String messageId, String role, String content, String partsJson, String metadataJson) throws SQLException {
        write(conversationPk, messageId, role, content, partsJson, metadataJson, null);
    }

    void message(long conversationPk, String messageId, String role, String content) throws SQLException {
        message(conversationPk, messageId, role, content, null, null);
    }

    /** Replaces a message by an edit of {@code baseRevision} (the stored one, or a later one), as a device sends it. */
    void edit(long conversationPk, String messageId, String role, String content, int baseRevision) throws SQLException {
        write(conversationPk, messageId, role, content, null, null, baseRevision);
    }

    /**
     * Keeps a version as a conflict beside the current one, which stays: an edit of {@code basedOn},
     * older than the stored revision. Numbered above every version the message keeps, counted in the
     * message's conflicts, and the message and its conversation stamped.
     */
    void keepConflict(long conversationPk, String messageId, String role, String content, int basedOn) throws SQLException {
        try (PreparedStatement conflict = connection.prepareStatement("""
                INSERT INTO message_revisions (conversation_pk, message_id, revision, role, content, conflict, based_on, stored_at, replaced_at)
                SELECT conversation_pk, message_id, greatest(revision,
                           (SELECT max(r.revision) FROM message_revisions r
                             WHERE r.conversation_pk = m.conversation_pk AND r.message_id = m.message_id)) + 1,
                       ?, ?, true, ?, clock_timestamp(), clock_timestamp()
                  FROM messages m
                 WHERE conversation_pk = ? AND message_id = ?""")) {
            conflict.setString(1, role);
            conflict.setString(2, content);
            conflict.setInt(3, basedOn);
            conflict.setLong(4, conversationPk);
            conflict.setString(5, messageId);
            conflict.executeUpdate();
        }
        try (PreparedStatement counted = connection.prepareStatement("""
                UPDATE messages SET conflicts = conflicts + 1, change_xid = pg_current_xact_id()
                 WHERE conversation_pk = ? AND message_id = ?""")) {
            counted.setLong(1, conversationPk);
            counted.setString(2, messageId);
            counted.executeUpdate();
        }
        stamp(conversationPk);
    }

    private void write(long conversationPk, String messageId, String role, String content, String partsJson, String metadataJson,
            Integer baseRevision) throws SQLException {
        try (PreparedStatement revision = connection.prepareStatement("""
                INSERT INTO message_revisions (conversation_pk, message_id, revision, role, content, parts, metadata, based_on,
                                               stored_at, replaced_at)
                SELECT conversation_pk, message_id, revision, role, content, parts, metadata, based_on, updated_at, clock_timestamp()
                  FROM messages
                 WHERE conversation_pk = ? AND message_id = ?
                   AND (role, content, parts, metadata) IS DISTINCT FROM (?, ?, CAST(? AS jsonb), CAST(? AS jsonb))""")) {
            bind(revision, conversationPk, messageId, role, content, partsJson, metadataJson);
            revision.executeUpdate();
        }
        // numbered above every version kept, as a conflict may carry a number above the current one
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO messages (conversation_pk, message_id, role, content, parts, metadata, based_on, created_at, updated_at, change_xid,
                                      user_id)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, clock_timestamp(), clock_timestamp(), pg_current_xact_id(),
                        (SELECT user_id FROM conversations WHERE id = ?))
                ON CONFLICT (conversation_pk, message_id) DO UPDATE
                   SET role = excluded.role, content = excluded.content, parts = excluded.parts, metadata = excluded.metadata,
                       based_on = excluded.based_on,
                       revision = greatest(messages.revision,
                                  (SELECT max(r.revision) FROM message_revisions r
                                    WHERE r.conversation_pk = messages.conversation_pk AND r.message_id = messages.message_id)) + 1,
                       updated_at = excluded.updated_at, change_xid = excluded.change_xid
                 WHERE (messages.role, messages.content, messages.parts, messages.metadata)
                       IS DISTINCT FROM (excluded.role, excluded.content, excluded.parts, excluded.metadata)""")) {
            bind(upsert, conversationPk, messageId, role, content, partsJson, metadataJson);
            if (baseRevision == null) {
                upsert.setNull(7, Types.INTEGER);
            } else {
                upsert.setInt(7, baseRevision);
            }
            upsert.setLong(8, conversationPk);
            upsert.executeUpdate();
        }
        stamp(conversationPk);
    }

    private void stamp(long conversationPk) throws SQLException {
        try (PreparedStatement stamp = connection.prepareStatement(
                "UPDATE conversations SET updated_at = clock_timestamp(), change_xid = pg_current_xact_id() WHERE id = ?")) {
            stamp.setLong(1, conversationPk);
            stamp.executeUpdate();
        }
    }

    /** Deletes a conversation with its messages and leaves (or moves forward) its tombstone. */
    void delete(String userId, String conversationId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("""
                WITH gone AS (
                    DELETE FROM conversations WHERE user_id = ? AND conversation_id = ? RETURNING id, user_id, conversation_id
                )
                INSERT INTO conversation_tombstones (user_id, conversation_id, conversation_pk, deleted_at, change_xid)
                SELECT user_id, conversation_id, id, clock_timestamp(), pg_current_xact_id() FROM gone
                ON CONFLICT (user_id, conversation_id) DO UPDATE
                   SET conversation_pk = excluded.conversation_pk, deleted_at = excluded.deleted_at, change_xid = excluded.change_xid""")) {
            delete.setString(1, userId);
            delete.setString(2, conversationId);
            delete.executeUpdate();
        }
    }

    /** Prunes every tombstone of the user, moving feed_horizon.pruned_xid to the newest pruned stamp. */
    void pruneTombstones(String userId) throws SQLException {
        try (PreparedStatement prune = connection.prepareStatement("""
                WITH pruned AS (
                    DELETE FROM conversation_tombstones WHERE user_id = ? RETURNING change_xid
                )
                UPDATE feed_horizon
                   SET pruned_xid = greatest(pruned_xid, (SELECT change_xid FROM pruned ORDER BY change_xid DESC LIMIT 1))""")) {
            prune.setString(1, userId);
            prune.executeUpdate();
        }
    }

    void commit() throws SQLException {
        connection.commit();
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }

    private String single(String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void bind(PreparedStatement statement, long conversationPk, String messageId, String role, String content,
            String partsJson, String metadataJson) throws SQLException {
        statement.setLong(1, conversationPk);
        statement.setString(2, messageId);
        statement.setString(3, role);
        statement.setString(4, content);
        statement.setString(5, partsJson);
        statement.setString(6, metadataJson);
    }
}
