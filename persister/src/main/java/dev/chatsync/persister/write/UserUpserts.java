package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.SortedSet;

/**
 * Creates the users a batch names, so every foreign key to users holds; existing users are not touched,
 * and deleted ones (deleted_users) are not created again. {@link AccountGate} decides afterwards which
 * users' events may be written.
 */
final class UserUpserts {

    // NOT EXISTS first: known users (nearly all) cost an index probe, not a speculative insertion.
    // ON CONFLICT still settles two instances creating the same new user (users span partitions);
    // sorted input makes them lock in the same order, so they cannot deadlock.
    private static final String SQL = """
            INSERT INTO users (id)
            SELECT id FROM unnest(?::text[]) AS u(id)
            WHERE NOT EXISTS (SELECT 1 FROM users WHERE users.id = u.id)
              AND NOT EXISTS (SELECT 1 FROM deleted_users WHERE deleted_users.user_id = u.id)
            ON CONFLICT (id) DO NOTHING
            """;

    private UserUpserts() {
    }

    static void upsert(Connection connection, SortedSet<String> userIds) throws SQLException {
        if (userIds.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.text(connection, userIds, id -> id));
            statement.executeUpdate();
        }
    }
}
