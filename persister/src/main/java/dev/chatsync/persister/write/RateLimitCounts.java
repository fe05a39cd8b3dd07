package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/** Adds newly stored user messages to rate_limits, per user and UTC day, once per batch. */
final class RateLimitCounts {

    /** A user's UTC day; sorted so concurrent instances lock shared rows in one order. */
    record UserDay(String userId, LocalDate day) implements Comparable<UserDay> {
        @Override
        public int compareTo(UserDay other) {
            int byUser = userId.compareTo(other.userId);
            return byUser != 0 ? byUser : day.compareTo(other.day);
        }
    }

    private static final String SQL = """
            INSERT INTO rate_limits AS r (user_id, day, message_count)
            SELECT user_id, day::date, n FROM unnest(?::text[], ?::text[], ?::int4[]) AS i(user_id, day, n)
            ON CONFLICT (user_id, day) DO UPDATE SET message_count = r.message_count + excluded.message_count
            """;

    private RateLimitCounts() {
    }

    static void add(Connection connection, SortedMap<UserDay, Integer> newUserMessages) throws SQLException {
        if (newUserMessages.isEmpty()) {
            return;
        }
        Set<Map.Entry<UserDay, Integer>> rows = newUserMessages.entrySet();
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.text(connection, rows, row -> row.getKey().userId()));
            statement.setArray(2, PgArrays.text(connection, rows, row -> row.getKey().day().toString()));
            statement.setArray(3, PgArrays.int4(connection, rows, Map.Entry::getValue));
            statement.executeUpdate();
        }
    }
}
