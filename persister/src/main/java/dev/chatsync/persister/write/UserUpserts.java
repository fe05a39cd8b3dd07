package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.SortedSet;

/** Creates the users a batch names, so every foreign key to users holds; existing users are not touched. */
final class UserUpserts {

    // Sorted input: two instances inserting overlapping users lock them in the same order (no deadlock).
    private static final String SQL = """
            INSERT INTO users (id)
            SELECT id FROM unnest(?::text[]) AS u(id)
            ON CONFLICT (id) DO NOTHING
            """;

    private UserUpserts() {
    }

    static void upsert(Connection connection, SortedSet<String> userIds) throws SQLException {
        if (userIds.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.text(connection, List.copyOf(userIds), id -> id));
            statement.executeUpdate();
        }
    }
}
