package dev.chatsync.persister;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.chatsync.testsupport.TestPostgres;

/** Reads a test database back: whole-table dumps for equality, single numbers for assertions. */
public final class Tables {

    private static final Map<String, String> ORDER = new LinkedHashMap<>();
    static {
        ORDER.put("users", "id");
        ORDER.put("rate_limits", "user_id, day");
        ORDER.put("conversations", "id");
        ORDER.put("messages", "conversation_pk, seq");
        ORDER.put("message_revisions", "conversation_pk, message_id, revision");
        ORDER.put("conversation_tombstones", "user_id, conversation_id");
        ORDER.put("feed_horizon", "only_row");
        ORDER.put("kafka_offsets", "topic_id, partition");
    }

    private Tables() {
    }

    /** Every row of every table, in a stable order, one string per row. */
    public static Map<String, List<String>> dump(TestPostgres.Database database) {
        Map<String, List<String>> dump = new LinkedHashMap<>();
        ORDER.forEach((table, order) -> dump.put(table, rows(database, "SELECT * FROM " + table + " ORDER BY " + order)));
        return dump;
    }

    /**
     * Every row by its natural identity, without surrogate keys, sequence values, change stamps or now()
     * stamps: two databases that went through different histories (rolled-back transactions burn
     * identity values and transaction ids) compare equal exactly when they hold the same data in the
     * same order.
     */
    public static Map<String, List<String>> logicalDump(TestPostgres.Database database) {
        Map<String, List<String>> dump = new LinkedHashMap<>();
        dump.put("users", rows(database, "SELECT id FROM users ORDER BY id"));
        dump.put("rate_limits", rows(database, "SELECT * FROM rate_limits ORDER BY user_id, day"));
        dump.put("conversations", rows(database, "SELECT user_id, conversation_id, persona_id, title, created_at, updated_at "
                + "FROM conversations ORDER BY user_id, conversation_id"));
        dump.put("messages", rows(database, "SELECT c.user_id, c.conversation_id, m.message_id, m.role, m.content, m.parts, m.metadata, m.revision, "
                + "m.based_on, m.conflicts, m.created_at, m.updated_at FROM messages m JOIN conversations c ON c.id = m.conversation_pk "
                + "ORDER BY c.user_id, c.conversation_id, m.seq"));
        dump.put("message_revisions", rows(database, "SELECT c.user_id, c.conversation_id, r.message_id, r.revision, r.role, r.content, r.parts, r.metadata, "
                + "r.conflict, r.based_on, r.stored_at, r.replaced_at FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk ORDER BY 1, 2, 3, 4"));
        dump.put("conversation_tombstones", rows(database, "SELECT user_id, conversation_id, deleted_at, message_ids FROM conversation_tombstones ORDER BY 1, 2"));
        dump.put("kafka_offsets", rows(database, "SELECT topic, partition, next_offset FROM kafka_offsets ORDER BY topic, partition"));
        return dump;
    }

    public static void execute(TestPostgres.Database database, String sql) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long number(TestPostgres.Database database, String sql) {
        List<String> rows = rows(database, sql);
        return rows.isEmpty() || rows.get(0).equals("null") ? 0 : Long.parseLong(rows.get(0));
    }

    public static List<String> rows(TestPostgres.Database database, String sql) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> result = new ArrayList<>();
            while (rows.next()) {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= meta.getColumnCount(); column++) {
                    if (column > 1) {
                        row.append('|');
                    }
                    row.append(rows.getString(column));
                }
                result.add(row.toString());
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
