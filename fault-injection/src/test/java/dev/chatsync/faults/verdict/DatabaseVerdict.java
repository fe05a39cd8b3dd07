package dev.chatsync.faults.verdict;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.chatsync.faults.load.Expectations;

/**
 * Compares the database with the model in Postgres itself: the model goes into temporary tables,
 * and each statement lists only the rows where the two differ (jsonb compares parts by value).
 */
public final class DatabaseVerdict {

    private static final String EXPECTED_CONVERSATIONS = """
            CREATE TEMP TABLE expected_conversations ON COMMIT DROP AS
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[])
                AS e(user_id, conversation_id, persona_id, title, deleted)
            """;

    private static final String EXPECTED_MESSAGES = """
            CREATE TEMP TABLE expected_messages ON COMMIT DROP AS
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::int4[])
                AS e(user_id, conversation_id, message_id, role, content, parts, revision, position)
            """;

    /** Every message row of the model's users that is missing, extra, or different; a position counts in the conversation's seq order. */
    private static final String MESSAGES = """
            WITH stored AS (
                SELECT c.user_id, c.conversation_id, m.message_id, m.role, m.content, m.parts, m.revision,
                       row_number() OVER (PARTITION BY m.conversation_pk ORDER BY m.seq)::int AS position
                FROM messages m JOIN conversations c ON c.id = m.conversation_pk
                WHERE c.user_id IN (SELECT user_id FROM expected_conversations)
            ), compared AS (
                SELECT coalesce(e.user_id, s.user_id) AS user_id, coalesce(e.conversation_id, s.conversation_id) AS conversation_id,
                       coalesce(e.message_id, s.message_id) AS message_id,
                       e.message_id IS NOT NULL AS acknowledged, s.message_id IS NOT NULL AS stored,
                       s.role = e.role AND s.content = e.content AND s.parts IS NOT DISTINCT FROM e.parts::jsonb AS same_version,
                       s.position = e.position AS same_place,
                       s.revision - e.revision AS extra_revisions
                FROM expected_messages e
                FULL JOIN stored s ON s.user_id = e.user_id AND s.conversation_id = e.conversation_id AND s.message_id = e.message_id
            )
            SELECT c.*, coalesce(x.deleted, false) AS conversation_deleted
            FROM compared c
            LEFT JOIN expected_conversations x ON x.user_id = c.user_id AND x.conversation_id = c.conversation_id
            WHERE NOT (c.acknowledged AND c.stored AND c.same_version AND c.same_place AND c.extra_revisions = 0)
            """;

    private static final String CONVERSATIONS = """
            SELECT e.user_id, e.conversation_id, e.deleted, c.id IS NOT NULL AS stored
            FROM expected_conversations e
            LEFT JOIN conversations c ON c.user_id = e.user_id AND c.conversation_id = e.conversation_id
            WHERE (e.deleted AND c.id IS NOT NULL)
               OR (NOT e.deleted AND (c.id IS NULL OR c.persona_id <> e.persona_id OR c.title IS DISTINCT FROM e.title))
            UNION ALL
            SELECT c.user_id, c.conversation_id, false, true
            FROM conversations c
            WHERE c.user_id IN (SELECT user_id FROM expected_conversations)
              AND NOT EXISTS (SELECT 1 FROM expected_conversations e WHERE e.user_id = c.user_id AND e.conversation_id = c.conversation_id)
            """;

    private static final String RATE_LIMITS = """
            SELECT e.user_id, e.counted, coalesce(sum(r.message_count), 0)::int AS stored
            FROM unnest(?::text[], ?::int4[]) AS e(user_id, counted)
            LEFT JOIN rate_limits r ON r.user_id = e.user_id
            GROUP BY e.user_id, e.counted
            HAVING coalesce(sum(r.message_count), 0) <> e.counted
            """;

    private DatabaseVerdict() {
    }

    public static Verdict check(Connection connection, Expectations expected) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            load(connection, expected);
            Verdict verdict = compare(connection, expected);
            connection.commit();
            return verdict;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static void load(Connection connection, Expectations expected) throws SQLException {
        List<Expectations.Conversation> conversations = expected.conversations();
        try (PreparedStatement statement = connection.prepareStatement(EXPECTED_CONVERSATIONS)) {
            statement.setArray(1, text(connection, conversations, Expectations.Conversation::userId));
            statement.setArray(2, text(connection, conversations, Expectations.Conversation::conversationId));
            statement.setArray(3, text(connection, conversations, Expectations.Conversation::personaId));
            statement.setArray(4, text(connection, conversations, Expectations.Conversation::title));
            statement.setArray(5, connection.createArrayOf("boolean", conversations.stream().map(Expectations.Conversation::deleted).toArray()));
            statement.execute();
        }
        List<Expectations.Message> messages = expected.messages();
        try (PreparedStatement statement = connection.prepareStatement(EXPECTED_MESSAGES)) {
            statement.setArray(1, text(connection, messages, Expectations.Message::userId));
            statement.setArray(2, text(connection, messages, Expectations.Message::conversationId));
            statement.setArray(3, text(connection, messages, Expectations.Message::messageId));
            statement.setArray(4, text(connection, messages, Expectations.Message::role));
            statement.setArray(5, text(connection, messages, Expectations.Message::content));
            statement.setArray(6, text(connection, messages, Expectations.Message::partsJson));
            statement.setArray(7, connection.createArrayOf("int4", messages.stream().map(Expectations.Message::revision).toArray()));
            statement.setArray(8, connection.createArrayOf("int4", messages.stream().map(Expectations.Message::position).toArray()));
            statement.execute();
        }
    }

    private static Verdict compare(Connection connection, Expectations expected) throws SQLException {
        Map<String, Instant> messageAcks = new HashMap<>();
        expected.messages().forEach(m -> messageAcks.put(key(m.userId(), m.conversationId(), m.messageId()), m.acknowledgedAt()));
        Map<String, Instant> conversationAcks = new HashMap<>();
        expected.conversations().forEach(c -> conversationAcks.put(key(c.userId(), c.conversationId(), null), c.acknowledgedAt()));
        List<Finding> lost = new ArrayList<>();
        List<Finding> duplicated = new ArrayList<>();
        List<Finding> wrong = new ArrayList<>();
        List<Finding> deletedButStored = new ArrayList<>();
        List<Finding> neverAcknowledged = new ArrayList<>();

        try (PreparedStatement statement = connection.prepareStatement(MESSAGES); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String user = rows.getString("user_id");
                String conversation = rows.getString("conversation_id");
                String message = rows.getString("message_id");
                Instant acknowledgedAt = messageAcks.get(key(user, conversation, message));
                boolean acknowledged = rows.getBoolean("acknowledged");
                boolean stored = rows.getBoolean("stored");
                if (acknowledged && !stored) {
                    lost.add(new Finding(user, conversation, message, "acknowledged, not stored", acknowledgedAt));
                } else if (!acknowledged) {
                    (rows.getBoolean("conversation_deleted") ? deletedButStored : neverAcknowledged)
                            .add(new Finding(user, conversation, message, "stored, not acknowledged", conversationAcks.get(key(user, conversation, null))));
                } else {
                    if (!rows.getBoolean("same_version")) {
                        wrong.add(new Finding(user, conversation, message, "stored with other role, content or parts than acknowledged", acknowledgedAt));
                    } else if (!rows.getBoolean("same_place")) {
                        wrong.add(new Finding(user, conversation, message, "stored out of order", acknowledgedAt));
                    }
                    int extra = rows.getInt("extra_revisions");
                    if (extra > 0) {
                        duplicated.add(new Finding(user, conversation, message, extra + " revision(s) more than versions acknowledged", acknowledgedAt));
                    } else if (extra < 0) {
                        lost.add(new Finding(user, conversation, message, -extra + " acknowledged version(s) not stored", acknowledgedAt));
                    }
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(CONVERSATIONS); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String user = rows.getString("user_id");
                String conversation = rows.getString("conversation_id");
                Instant acknowledgedAt = conversationAcks.get(key(user, conversation, null));
                if (rows.getBoolean("deleted")) {
                    deletedButStored.add(new Finding(user, conversation, null, "delete acknowledged, conversation still stored", acknowledgedAt));
                } else if (acknowledgedAt == null) {
                    neverAcknowledged.add(new Finding(user, conversation, null, "conversation stored, never acknowledged", null));
                } else if (!rows.getBoolean("stored")) {
                    lost.add(new Finding(user, conversation, null, "conversation acknowledged, not stored", acknowledgedAt));
                } else {
                    wrong.add(new Finding(user, conversation, null, "conversation stored with another persona or title", acknowledgedAt));
                }
            }
        }
        Map<String, Integer> counted = expected.userMessagesByUser();
        List<String> users = new ArrayList<>(counted.keySet());
        try (PreparedStatement statement = connection.prepareStatement(RATE_LIMITS)) {
            statement.setArray(1, connection.createArrayOf("text", users.toArray()));
            statement.setArray(2, connection.createArrayOf("int4", users.stream().map(counted::get).toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int expectedCount = rows.getInt("counted");
                    int stored = rows.getInt("stored");
                    String what = "rate_limits counts " + stored + " user messages, " + expectedCount + " acknowledged";
                    (stored > expectedCount ? duplicated : lost).add(new Finding(rows.getString("user_id"), null, null, what, null));
                }
            }
        }
        return new Verdict(lost, duplicated, wrong, deletedButStored, neverAcknowledged);
    }

    private static <T> Array text(Connection connection, List<T> rows, Function<T, String> column) throws SQLException {
        return connection.createArrayOf("text", rows.stream().map(column).toArray());
    }

    private static String key(String user, String conversation, String message) {
        return user + "\u0000" + conversation + "\u0000" + message;
    }
}
