package dev.chatsync.persister.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEvents;
import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.persister.fold.BatchFolder;
import dev.chatsync.persister.fold.FoldedBatch;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.testsupport.TestPostgres;

/**
 * {@link AccountGate}'s rule against {@link AccountDeletes}, interleaved step by step on two real
 * connections: whichever of a batch and a deletion of its user gets to the users row first, nothing of
 * the user is left once both committed. A step that must wait is shown waiting by pg_stat_activity
 * before the other side goes on, so every interleaving is the one named, on every run.
 */
class AccountGateIT {

    private static final String USER = "user_gate";
    private static final String OTHER = "user_alive";

    private TestPostgres.Database database;

    @BeforeEach
    void migratedDatabase() {
        database = TestPostgres.shared().newDatabase("gate");
        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration").load().migrate();
    }

    @Test
    void aBatchHoldingAnExistingUserMakesTheDeletionWaitAndThenLosesEverythingItWrote() throws Exception {
        committedConversation(USER, "before");
        try (Connection batch = transaction(); Connection deletion = transaction()) {
            assertThat(admitted(batch, USER, OTHER)).containsExactlyInAnyOrder(USER, OTHER);

            int deletingPid = pid(deletion);
            CompletableFuture<Void> deleting = deleteAsync(deletion);
            awaitWaitingForALock(deletingPid);
            insertConversation(batch, USER, "racing");
            insertConversation(batch, OTHER, "kept");
            batch.commit();
            deleting.get(30, TimeUnit.SECONDS);
            deletion.commit();
        }
        assertNothingOf(USER);
        assertThat(Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = '" + OTHER + "'")).isEqualTo(1);
    }

    @Test
    void aBatchCreatingTheUserMakesTheDeletionWaitAndThenLosesEverythingItWrote() throws Exception {
        try (Connection batch = transaction(); Connection deletion = transaction()) {
            assertThat(admitted(batch, USER)).containsExactly(USER);

            int deletingPid = pid(deletion);
            CompletableFuture<Void> deleting = deleteAsync(deletion);
            awaitWaitingForALock(deletingPid);
            insertConversation(batch, USER, "racing");
            batch.commit();
            deleting.get(30, TimeUnit.SECONDS);
            deletion.commit();
        }
        assertNothingOf(USER);
    }

    @Test
    void aBatchWaitingForADeletionOfAnExistingUserDropsTheUsersEvents() throws Exception {
        committedConversation(USER, "before");
        try (Connection batch = transaction(); Connection deletion = transaction()) {
            AccountDeletes.delete(deletion, USER, Instant.now());

            int admittingPid = pid(batch);
            CompletableFuture<Set<String>> admitting = admitAsync(batch, USER, OTHER);
            awaitWaitingForALock(admittingPid);
            deletion.commit();
            assertThat(admitting.get(30, TimeUnit.SECONDS)).containsExactly(OTHER);
            batch.commit();
        }
        assertNothingOf(USER);
    }

    @Test
    void aBatchCreatingAUserWhileItIsDeletedDropsItsEventsAndTheRowItCreated() throws Exception {
        try (Connection batch = transaction(); Connection deletion = transaction()) {
            AccountDeletes.delete(deletion, USER, Instant.now());

            int admittingPid = pid(batch);
            CompletableFuture<Set<String>> admitting = admitAsync(batch, USER);
            awaitWaitingForALock(admittingPid);
            deletion.commit();
            assertThat(admitting.get(30, TimeUnit.SECONDS)).isEmpty();
            batch.commit();
        }
        assertNothingOf(USER);
    }

    @Test
    void aBatchAfterTheDeletionDropsTheUsersEventsAndCreatesNothing() throws Exception {
        committedConversation(USER, "before");
        try (Connection deletion = transaction()) {
            AccountDeletes.delete(deletion, USER, Instant.now());
            deletion.commit();
        }
        try (Connection batch = transaction()) {
            AccountGate.Admitted admitted = admission(batch, USER, OTHER);
            assertThat(admitted.folded().userIds()).containsExactly(OTHER);
            assertThat(admitted.dropped()).as("the deleted user's one event, counted for the metric").isEqualTo(1);
            batch.commit();
        }
        assertNothingOf(USER);
        assertThat(Tables.rows(database, "SELECT id FROM users")).containsExactly(OTHER);
    }

    @Test
    void aRepeatedDeletionChangesNothingAndKeepsTheFirstTime() throws Exception {
        Instant first = Instant.parse("2026-12-01T10:00:00Z");
        try (Connection deletion = transaction()) {
            AccountDeletes.delete(deletion, USER, first);
            AccountDeletes.delete(deletion, USER, first.plusSeconds(60));
            deletion.commit();
        }
        assertThat(Tables.rows(database, "SELECT deleted_at = '2026-12-01T10:00:00Z' FROM deleted_users")).containsExactly("t");
        assertNothingOf(USER);
    }

    private void assertNothingOf(String userId) {
        for (String table : List.of("users WHERE id", "conversations WHERE user_id", "rate_limits WHERE user_id",
                "conversation_tombstones WHERE user_id")) {
            assertThat(Tables.number(database, "SELECT count(*) FROM " + table + " = '" + userId + "'")).as(table).isZero();
        }
        assertThat(Tables.number(database, "SELECT count(*) FROM deleted_users WHERE user_id = '" + userId + "'")).isEqualTo(1);
    }

    /** The users whose events {@link AccountGate} lets the batch write, one message each. */
    private static Set<String> admitted(Connection batch, String... userIds) throws SQLException {
        return admission(batch, userIds).folded().userIds();
    }

    /** What {@link AccountGate} lets the batch write of one message per user, and how many it dropped. */
    private static AccountGate.Admitted admission(Connection batch, String... userIds) throws SQLException {
        List<Decoded.Event> events = Arrays.stream(userIds)
                .map(userId -> new Decoded.Event(new ConsumerRecord<>("t", 0, 0, userId + "/c", new byte[0]),
                        TestEvents.message(userId, "c", "m1", MessageRole.user, "hello")))
                .toList();
        FoldedBatch folded = BatchFolder.fold(events.stream().map(Decoded.Event::event).toList());
        return AccountGate.admit(batch, folded, events);
    }

    private Connection transaction() throws SQLException {
        Connection connection = database.connect();
        connection.setAutoCommit(false);
        return connection;
    }

    private void committedConversation(String userId, String conversationId) throws SQLException {
        try (Connection connection = database.connect()) {
            try (PreparedStatement user = connection.prepareStatement("INSERT INTO users (id) VALUES (?) ON CONFLICT DO NOTHING")) {
                user.setString(1, userId);
                user.executeUpdate();
            }
            insertConversation(connection, userId, conversationId);
        }
    }

    private static void insertConversation(Connection connection, String userId, String conversationId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO conversations (user_id, conversation_id, persona_id, created_at, updated_at) VALUES (?, ?, 'hitesh', now(), now())""")) {
            insert.setString(1, userId);
            insert.setString(2, conversationId);
            insert.executeUpdate();
        }
        try (PreparedStatement count = connection.prepareStatement("""
                INSERT INTO rate_limits (user_id, day, message_count) VALUES (?, current_date, 1)
                ON CONFLICT (user_id, day) DO UPDATE SET message_count = rate_limits.message_count + 1""")) {
            count.setString(1, userId);
            count.executeUpdate();
        }
    }

    private static CompletableFuture<Void> deleteAsync(Connection deletion) {
        return CompletableFuture.runAsync(() -> {
            try {
                AccountDeletes.delete(deletion, USER, Instant.now());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static CompletableFuture<Set<String>> admitAsync(Connection batch, String... userIds) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return admitted(batch, userIds);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static int pid(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid()"); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Until the backend waits for a lock another transaction holds. */
    private void awaitWaitingForALock(int pid) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Tables.number(database, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid + " AND wait_event_type = 'Lock'") == 1);
    }
}
