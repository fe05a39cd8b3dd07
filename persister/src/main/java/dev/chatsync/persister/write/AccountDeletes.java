package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Deletes an account for good: marks it in deleted_users, then deletes its users row, which cascades to
 * its conversations, messages, revisions, tombstones and rate_limits. Three statements in this order,
 * each seeing what committed before it started; why the order keeps the user's racing batches from
 * bringing anything back is {@link AccountGate}'s rule. Repeating a deletion changes nothing.
 */
final class AccountDeletes {

    private static final String MARK = """
            INSERT INTO deleted_users (user_id, deleted_at)
            VALUES (?, timestamptz 'epoch' + ?::int8 * interval '1 millisecond')
            ON CONFLICT (user_id) DO NOTHING
            """;

    // Waits for a batch that is creating the row (its insert is not visible yet, so the DELETE below
    // would miss it); creates the row when there is none, for the DELETE to remove at once.
    private static final String WAIT_FOR_CREATORS = """
            INSERT INTO users (id) VALUES (?) ON CONFLICT (id) DO NOTHING
            """;

    // Waits for every batch holding the row (FOR KEY SHARE, or a foreign key check), then cascades.
    private static final String DELETE = """
            DELETE FROM users WHERE id = ?
            """;

    private AccountDeletes() {
    }

    static void delete(Connection connection, String userId, Instant deletedAt) throws SQLException {
        try (PreparedStatement mark = connection.prepareStatement(MARK)) {
            mark.setString(1, userId);
            mark.setLong(2, deletedAt.toEpochMilli());
            mark.executeUpdate();
        }
        try (PreparedStatement wait = connection.prepareStatement(WAIT_FOR_CREATORS)) {
            wait.setString(1, userId);
            wait.executeUpdate();
        }
        try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, userId);
            delete.executeUpdate();
        }
    }
}
