package dev.chatsync.schemas.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chatsync.testsupport.TestPostgres;
import dev.chatsync.testsupport.TestPostgres.Database;

/** The migrations on a real, empty PostgreSQL: the tables, keys and cascades DESIGN.md asks for. */
class MigrationsIT {

    private static Database database;
    private static MigrateResult migration;

    @BeforeAll
    static void migrateFromEmpty() {
        database = TestPostgres.shared().newDatabase("migrations");
        migration = Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        execute("TRUNCATE users, kafka_offsets CASCADE");
    }

    @Test
    void appliesEveryMigrationToAnEmptyDatabase() throws SQLException {
        assertThat(migration.success).isTrue();
        assertThat(migration.migrationsExecuted).isGreaterThanOrEqualTo(1);
        assertThat(strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"))
                .contains("conversations", "kafka_offsets", "message_revisions", "messages", "rate_limits", "users");
    }

    @Test
    void theSameConversationIdOfTwoUsersIsTwoConversations() throws SQLException {
        long alice = conversation("user_alice", "hitesh-conversation");
        long bob = conversation("user_bob", "hitesh-conversation");
        message(alice, "m1", "alice's words");
        message(bob, "m1", "bob's words");

        assertThat(alice).isNotEqualTo(bob);
        assertThat(strings("""
                SELECT c.user_id || ':' || m.content FROM messages m JOIN conversations c ON c.id = m.conversation_pk
                WHERE c.conversation_id = 'hitesh-conversation' ORDER BY 1"""))
                .containsExactly("user_alice:alice's words", "user_bob:bob's words");
        assertThatThrownBy(() -> conversation("user_alice", "hitesh-conversation"))
                .isInstanceOf(SQLException.class).hasMessageContaining("conversations_identity");
    }

    @Test
    void deletingAConversationRemovesItsMessagesAndRevisionsOnly() throws SQLException {
        long doomed = conversation("user_alice", "doomed");
        long kept = conversation("user_alice", "kept");
        message(doomed, "m1", "bye");
        revision(doomed, "m1", "by");
        message(kept, "m1", "stay");

        execute("DELETE FROM conversations WHERE id = " + doomed);

        assertThat(count("messages")).isEqualTo(1);
        assertThat(count("message_revisions")).isZero();
        assertThat(strings("SELECT content FROM messages")).containsExactly("stay");
    }

    @Test
    void deletingAUserRemovesEverythingOfTheirs() throws SQLException {
        long alice = conversation("user_alice", "c1");
        message(alice, "m1", "hi");
        revision(alice, "m1", "h");
        execute("INSERT INTO rate_limits (user_id, day, message_count) VALUES ('user_alice', current_date, 1)");
        long bob = conversation("user_bob", "c1");
        message(bob, "m1", "hello");

        execute("DELETE FROM users WHERE id = 'user_alice'");

        assertThat(count("conversations")).isEqualTo(1);
        assertThat(count("messages")).isEqualTo(1);
        assertThat(count("message_revisions")).isZero();
        assertThat(count("rate_limits")).isZero();
    }

    @Test
    void messagesKeepInsertionOrderAndRefuseUnknownRoles() throws SQLException {
        long c = conversation("user_alice", "ordered");
        for (String id : List.of("z", "a", "m")) {
            message(c, id, "text " + id);
        }

        assertThat(strings("SELECT message_id FROM messages WHERE conversation_pk = " + c + " ORDER BY seq"))
                .containsExactly("z", "a", "m");
        assertThatThrownBy(() -> execute("""
                INSERT INTO messages (conversation_pk, user_id, message_id, role, content, created_at, updated_at)
                VALUES (%d, 'user_alice', 'x', 'narrator', 'once upon', now(), now())""".formatted(c)))
                .isInstanceOf(SQLException.class).hasMessageContaining("messages_role_check");
    }

    @Test
    void theReadPathsAreServedByIndexes() throws SQLException {
        // one user's conversations are found by the identity's index; no index covers the columns every
        // message write moves, so those writes stay heap-only
        assertThat(strings("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'"))
                .anySatisfy(def -> assertThat(def).contains("conversations_identity ON public.conversations USING btree (user_id, conversation_id)"))
                .anySatisfy(def -> assertThat(def).contains("messages USING btree (conversation_pk, seq)"));
        assertThat(strings("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'conversations'"))
                .noneMatch(def -> def.contains("updated_at") || def.contains("change_xid"));
    }

    @Test
    void movingAConversationsTimeAndStampRewritesItInPlace() throws SQLException {
        long c = conversation("user_alice", "hot");
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("UPDATE conversations SET updated_at = updated_at + interval '1 second', change_xid = pg_current_xact_id() "
                    + "WHERE id = " + c);
            try (ResultSet hot = statement.executeQuery(
                    "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'conversations'")) {
                hot.next();
                assertThat(hot.getLong(1)).isEqualTo(1);
                assertThat(hot.getLong(2)).isEqualTo(1);
            }
            connection.rollback();
        }
    }

    @Test
    void messagesStoredBeforeDigestsHaveNone() throws SQLException {
        long c = conversation("user_alice", "undigested");
        message(c, "m1", "hi");

        assertThat(strings("SELECT version_hash IS NULL FROM messages")).containsExactly("t");
    }

    @Test
    void theSyncProtocolsColumnsAndTablesStartAtZeroAndGoWithTheirUser() throws SQLException {
        long c = conversation("user_alice", "c1");
        message(c, "m1", "hi");
        execute("""
                INSERT INTO conversation_tombstones (user_id, conversation_id, conversation_pk, deleted_at, change_xid)
                VALUES ('user_alice', 'gone', 0, now(), pg_current_xact_id())""");

        // rows written before the persister stamps them sort before every feed cursor
        assertThat(strings("SELECT change_xid::text FROM conversations UNION ALL SELECT change_xid::text FROM messages")).containsOnly("0");
        assertThat(strings("SELECT pruned_xid::text FROM feed_horizon")).containsExactly("0");
        assertThat(strings("SELECT parts IS NULL AND metadata IS NULL FROM messages")).containsExactly("t");
        // jsonb compares by value: key order, spacing and the spelling of a number do not matter
        assertThat(strings("""
                SELECT '[{"type":"text","text":"x","n":1.0}]'::jsonb = '[ { "n": 1, "text": "x", "type": "text" } ]'::jsonb""")).containsExactly("t");
        assertThat(strings("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'"))
                .anySatisfy(def -> assertThat(def).contains("messages USING btree (conversation_pk, change_xid)"))
                .anySatisfy(def -> assertThat(def).contains("conversation_tombstones USING btree (user_id, change_xid)"));

        execute("DELETE FROM users WHERE id = 'user_alice'");

        assertThat(count("conversation_tombstones")).isZero();
    }

    @Test
    void theColumnsForSeveralDevicesStartWithNoBaseNoConflictAndNoDeletedMessages() throws SQLException {
        long c = conversation("user_alice", "c1");
        message(c, "m1", "hi");
        revision(c, "m1", "h");
        execute("""
                INSERT INTO conversation_tombstones (user_id, conversation_id, conversation_pk, deleted_at, change_xid)
                VALUES ('user_alice', 'gone', 0, now(), pg_current_xact_id())""");

        // rows written before the persister knew bases: plain writes, no conflicts
        assertThat(strings("SELECT coalesce(based_on::text, 'null') || '|' || conflicts FROM messages")).containsExactly("null|0");
        assertThat(strings("SELECT coalesce(based_on::text, 'null') || '|' || conflict FROM message_revisions")).containsExactly("null|false");
        assertThat(strings("SELECT message_ids::text FROM conversation_tombstones")).containsExactly("{}");

        execute("UPDATE conversation_tombstones SET message_ids = message_ids || ARRAY['m1', 'm2']");

        assertThat(strings("SELECT 'm2' = ANY (message_ids) AND NOT 'm3' = ANY (message_ids) FROM conversation_tombstones")).containsExactly("t");
    }

    @Test
    void everyMessageIsSearchableByItsCurrentContentThroughAGinIndex() throws SQLException {
        long c = conversation("user_alice", "c1");
        message(c, "m1", "Deploying the persister to Neon");
        message(c, "m2", "the and of");

        // generated by the INSERT itself, stemmed, stop words left out
        assertThat(strings("SELECT search_vector::text FROM messages WHERE message_id = 'm1'"))
                .containsExactly("'deploy':1 'neon':5 'persist':3");
        assertThat(strings("SELECT search_vector::text FROM messages WHERE message_id = 'm2'")).containsExactly("");
        execute("UPDATE messages SET content = 'now about Kafka' WHERE message_id = 'm1'");
        assertThat(strings("SELECT message_id FROM messages WHERE search_vector @@ websearch_to_tsquery('english', 'kafka')"))
                .containsExactly("m1");
        assertThat(strings("SELECT count(*) FROM messages WHERE search_vector @@ websearch_to_tsquery('english', 'deployed')"))
                .containsExactly("0");
        assertThatThrownBy(() -> execute("UPDATE messages SET search_vector = 'x' WHERE message_id = 'm1'"))
                .isInstanceOf(SQLException.class).hasMessageContaining("generated column");
        assertThat(strings("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'"))
                .anySatisfy(def -> assertThat(def).contains("messages USING gin (user_id, search_vector)"));
    }

    @Test
    void aMessageCanOnlyBelongToItsConversationsUser() throws SQLException {
        long alices = conversation("user_alice", "c1");
        conversation("user_bob", "c1");

        assertThatThrownBy(() -> execute("""
                INSERT INTO messages (conversation_pk, user_id, message_id, role, content, created_at, updated_at)
                VALUES (%d, 'user_bob', 'm1', 'user', 'not yours', now(), now())""".formatted(alices)))
                .isInstanceOf(SQLException.class).hasMessageContaining("messages_conversation");
    }

    @Test
    void version8GivesStoredMessagesTheirConversationsUser() throws SQLException {
        Database old = TestPostgres.shared().newDatabase("migrations-v7");
        Flyway.configure().dataSource(old.jdbcUrl(), old.username(), old.password()).locations("classpath:db/migration")
                .target("7").load().migrate();
        try (Connection connection = old.connect(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    INSERT INTO users (id) VALUES ('user_alice'), ('user_bob');
                    INSERT INTO conversations (user_id, conversation_id, persona_id, created_at, updated_at)
                    VALUES ('user_alice', 'c1', 'hitesh', now(), now()), ('user_bob', 'c1', 'hitesh', now(), now());
                    INSERT INTO messages (conversation_pk, message_id, role, content, created_at, updated_at)
                    SELECT id, 'm-' || user_id, 'user', 'kafka for ' || user_id, now(), now() FROM conversations""");
        }

        Flyway.configure().dataSource(old.jdbcUrl(), old.username(), old.password()).locations("classpath:db/migration")
                .load().migrate();

        try (Connection connection = old.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT m.message_id, m.user_id FROM messages m
                      WHERE m.user_id = 'user_bob' AND m.search_vector @@ websearch_to_tsquery('english', 'kafka')""")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("m-user_bob");
            assertThat(rows.next()).isFalse();
        }
    }

    private static long conversation(String userId, String conversationId) throws SQLException {
        execute("INSERT INTO users (id) VALUES ('" + userId + "') ON CONFLICT DO NOTHING");
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO conversations (user_id, conversation_id, persona_id, title, created_at, updated_at)
                     VALUES (?, ?, 'hitesh', 'A title', now(), now()) RETURNING id""")) {
            insert.setString(1, userId);
            insert.setString(2, conversationId);
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void message(long conversationPk, String messageId, String content) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO messages (conversation_pk, message_id, role, content, created_at, updated_at, user_id)
                     VALUES (?, ?, 'user', ?, now(), now(), (SELECT user_id FROM conversations WHERE id = ?))""")) {
            insert.setLong(1, conversationPk);
            insert.setString(2, messageId);
            insert.setString(3, content);
            insert.setLong(4, conversationPk);
            insert.executeUpdate();
        }
    }

    private static void revision(long conversationPk, String messageId, String content) throws SQLException {
        execute("""
                INSERT INTO message_revisions (conversation_pk, message_id, revision, role, content, stored_at, replaced_at)
                VALUES (%d, '%s', 1, 'user', '%s', now(), now())""".formatted(conversationPk, messageId, content));
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(String table) throws SQLException {
        return Long.parseLong(strings("SELECT count(*) FROM " + table).get(0));
    }

    private static List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
