package dev.chatsync.localstack;

import static dev.chatsync.localstack.ChatClient.conversation;
import static dev.chatsync.localstack.ChatClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chatsync.database.DatabaseUrl;
import dev.chatsync.schemas.EventTopics;
import dev.chatsync.testsupport.clerk.ClerkUserEvents;
import dev.chatsync.testsupport.clerk.SvixSigner;
import tools.jackson.databind.JsonNode;

/**
 * Accounts end to end, API → Kafka → persister → Postgres: Clerk's webhooks, signed as Svix signs them,
 * reach the users row; a deletion, Clerk's user.deleted or the user's own DELETE /api/account, leaves
 * nothing of the user, not even of the writes accepted just before it that were still in Kafka when the
 * persister applied it; forged, expired and replayed deliveries publish nothing and change nothing.
 */
class LocalStackAccountsIT {

    private static final SvixSigner SVIX = SvixSigner.withRandomSecret();
    private static final int RACING_WRITES = 6;

    @TempDir
    static Path data;
    static LocalStack stack;
    static ChatClient client;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStackSettings.forTests(data), Map.of("chatsync.clerk-webhook.secret", SVIX.secret()));
        client = new ChatClient(stack.apiUrl());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void userCreatedThenUserUpdatedIsWhatTheUsersRowHolds() {
        String user = "user_e2e_profile";
        long createdAt = 1_764_000_000_000L;
        long updatedAt = createdAt + 60_000;
        delivered(ClerkUserEvents.profile("user.created", user, "Ada", "Byron", "ada@example.org", "https://img.clerk.com/ada-1", createdAt));
        awaitPersisted();
        assertThat(profile(user)).containsExactly("Ada Byron", "ada@example.org", "https://img.clerk.com/ada-1", Long.toString(createdAt));

        delivered(ClerkUserEvents.profile("user.updated", user, "Ada", "Lovelace", "countess@example.org", "https://img.clerk.com/ada-2", updatedAt));
        awaitPersisted();

        assertThat(profile(user)).containsExactly("Ada Lovelace", "countess@example.org", "https://img.clerk.com/ada-2", Long.toString(updatedAt));
    }

    @Test
    void userDeletedLeavesNothingOfTheUserEvenOfTheWritesRacingIt() throws Exception {
        String user = "user_e2e_clerk_deleted";
        deletionLeavesNothing(user, token -> {
            ChatClient.Response deleted = deliver(newId(), now(), ClerkUserEvents.deleted(user), SVIX);
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
            assertThat(deleted.json().get("published").asInt()).isEqualTo(1);
            return deleted;
        });
    }

    @Test
    void deleteApiAccountLeavesNothingOfTheCallerEvenOfTheWritesRacingIt() throws Exception {
        deletionLeavesNothing("user_e2e_self_deleted", token -> {
            ChatClient.Response deleted = client.deleteAccount(token);
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
            return deleted;
        });
    }

    @Test
    void forgedExpiredAndReplayedDeliveriesPublishNothingAndChangeNothing() {
        String user = "user_e2e_forged";
        String token = client.token(user);
        assertThat(client.post(token, conversation("kept", "hitesh", List.of(message("m1", "user", "still mine")))).status()).isEqualTo(202);
        String genuineId = newId();
        long genuineAt = now();
        String genuine = ClerkUserEvents.profile("user.created", user, "Grace", "Hopper", "grace@example.org", "https://img.clerk.com/grace", 1_000);
        assertThat(deliver(genuineId, genuineAt, genuine, SVIX).status()).isEqualTo(200);
        awaitPersisted();
        long published = published();
        Map<String, Double> before = webhookOutcomes();
        String deletion = ClerkUserEvents.deleted(user);

        // signed with another endpoint's secret
        refused(deliver(newId(), now(), deletion, SvixSigner.withRandomSecret()), "svix-signature", "signature_mismatch");
        // this endpoint's signature of another delivery, over this body
        String id = newId();
        long at = now();
        refused(send(id, at, SVIX.signature(id, at, genuine), deletion), "svix-signature", "signature_mismatch");
        // genuine, but captured and sent again after the tolerance (or dated ahead of it)
        refused(deliver(newId(), now() - 6 * 60, deletion, SVIX), "svix-timestamp", "tolerance");
        refused(deliver(newId(), now() + 6 * 60, deletion, SVIX), "svix-timestamp", "tolerance");
        // the genuine delivery once more, as Svix retries it or someone replays it within the tolerance
        ChatClient.Response replayed = deliver(genuineId, genuineAt, genuine, SVIX);
        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.json().get("replayed").asBoolean()).isTrue();
        assertThat(replayed.json().get("published").asInt()).isZero();
        awaitPersisted();

        assertThat(published()).as("nothing published on the events or accounts topic").isEqualTo(published);
        assertThat(count("SELECT count(*) FROM deleted_users WHERE user_id = ?", user)).isZero();
        assertThat(count("SELECT count(*) FROM conversations WHERE user_id = ?", user)).isEqualTo(1);
        assertThat(profile(user)).containsExactly("Grace Hopper", "grace@example.org", "https://img.clerk.com/grace", "1000");
        assertThat(client.post(token, conversation("kept", "hitesh", List.of(message("m2", "user", "still writing")))).status()).isEqualTo(202);
        Map<String, Double> after = webhookOutcomes();
        assertThat(after.get("bad_signature") - before.get("bad_signature")).isEqualTo(2);
        assertThat(after.get("expired") - before.get("expired")).isEqualTo(2);
        assertThat(after.get("replayed") - before.get("replayed")).isEqualTo(1);
        assertThat(after.get("published") - before.get("published")).isZero();
    }

    /**
     * The user has conversations, messages, a revision, usage and a profile. The persister's events
     * writer is held (a lock on kafka_offsets, which every batch takes first; the accounts writer does not
     * touch it) while the user's writes are accepted, then while more race the deletion, and until the
     * deletion is applied: the writes accepted before it reach the events writer only after it.
     */
    private static void deletionLeavesNothing(String user, Function<String, ChatClient.Response> deletion) throws Exception {
        String token = client.token(user);
        delivered(ClerkUserEvents.profile("user.created", user, "Doomed", "User", user + "@example.org", "https://img.clerk.com/d", 1_000));
        accepted(client.post(token, conversation("c1", "hitesh", List.of(message("m1", "user", "What is Kafka?"),
                message("m2", "assistant", "Kafka is a dis")))));
        accepted(client.post(token, conversation("c1", "hitesh", List.of(message("m1", "user", "What is Kafka?"),
                message("m2", "assistant", "Kafka is a distributed log.")))));
        accepted(client.post(token, conversation("c2", "piyush", List.of(message("m1", "user", "hello")))));
        awaitPersisted();
        List<Long> conversations = conversationIds(user);
        assertThat(conversations).hasSize(2);
        assertThat(count("SELECT count(*) FROM messages WHERE conversation_pk = ANY (?)", conversations)).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM message_revisions WHERE conversation_pk = ANY (?)", conversations)).isEqualTo(1);
        assertThat(count("SELECT coalesce(sum(message_count), 0) FROM rate_limits WHERE user_id = ?", user)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM users WHERE id = ? AND display_name IS NOT NULL", user)).isEqualTo(1);
        double droppedBefore = persisterRecords("skipped-account-deleted");

        try (Connection held = connect()) {
            held.setAutoCommit(false);
            try (Statement lock = held.createStatement()) {
                lock.execute("LOCK TABLE kafka_offsets IN EXCLUSIVE MODE");
            }
            List<CompletableFuture<ChatClient.Response>> before = racingWrites(token, "before");
            for (CompletableFuture<ChatClient.Response> write : before) {
                accepted(write.get(30, TimeUnit.SECONDS));
            }
            List<CompletableFuture<ChatClient.Response>> during = racingWrites(token, "during");
            deletion.apply(token);
            for (CompletableFuture<ChatClient.Response> write : during) {
                ChatClient.Response response = write.get(30, TimeUnit.SECONDS);
                assertThat(response.status()).as("accepted before the deletion, or refused after it: %s", response.body()).isIn(202, 410);
            }
            awaitMarked(user);
            assertThat(count("SELECT count(*) FROM conversations WHERE user_id = ?", user)).as("deleted while the events wait").isZero();
            held.rollback();
        }
        awaitPersisted();

        assertThat(count("SELECT count(*) FROM users WHERE id = ?", user)).isZero();
        assertThat(count("SELECT count(*) FROM conversations WHERE user_id = ?", user)).isZero();
        assertThat(count("SELECT count(*) FROM messages WHERE conversation_pk = ANY (?)", conversations)).isZero();
        assertThat(count("SELECT count(*) FROM message_revisions WHERE conversation_pk = ANY (?)", conversations)).isZero();
        assertThat(count("SELECT count(*) FROM rate_limits WHERE user_id = ?", user)).isZero();
        assertThat(count("SELECT count(*) FROM conversation_tombstones WHERE user_id = ?", user)).isZero();
        assertThat(count("SELECT count(*) FROM deleted_users WHERE user_id = ?", user)).isEqualTo(1);
        assertThat(persisterRecords("skipped-account-deleted") - droppedBefore)
                .as("at least the events of the writes accepted before the deletion were dropped").isGreaterThanOrEqualTo(RACING_WRITES);
        ChatClient.Response later = client.post(token, conversation("c3", "hitesh", List.of(message("m1", "user", "after"))));
        assertThat(later.status()).isEqualTo(410);
        assertThat(client.get(token, "").json().findValues("conversationId")).as("the user's conversations, read through the API").isEmpty();
    }

    /** One POST per conversation of its own, all at once, so that they spread over the partitions. */
    private static List<CompletableFuture<ChatClient.Response>> racingWrites(String token, String wave) {
        List<CompletableFuture<ChatClient.Response>> writes = new ArrayList<>();
        for (int i = 0; i < RACING_WRITES; i++) {
            String conversationId = "racing-" + wave + "-" + i;
            writes.add(CompletableFuture.supplyAsync(() -> client.post(token,
                    conversation(conversationId, "hitesh", List.of(message("m1", "user", "written " + conversationId))))));
        }
        return writes;
    }

    private static void awaitMarked(String user) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count("SELECT count(*) FROM deleted_users WHERE user_id = ?", user) == 0) {
            assertThat(System.nanoTime()).as("the deletion applied by the persister").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void accepted(ChatClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(202);
    }

    /** Delivers a genuine webhook and expects it published. */
    private static void delivered(String body) {
        ChatClient.Response response = deliver(newId(), now(), body, SVIX);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("published").asInt()).isEqualTo(1);
    }

    private static ChatClient.Response deliver(String id, long timestamp, String body, SvixSigner signer) {
        return send(id, timestamp, signer.signature(id, timestamp, body), body);
    }

    private static ChatClient.Response send(String id, long timestamp, String signature, String body) {
        return client.send(HttpRequest.newBuilder(stack.apiUrl().resolve("/webhooks/clerk"))
                .header("Content-Type", "application/json")
                .header("svix-id", id)
                .header("svix-timestamp", Long.toString(timestamp))
                .header("svix-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void refused(ChatClient.Response response, String field, String rule) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode error = response.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo(field);
        assertThat(error.get("rule").asString()).isEqualTo(rule);
    }

    private static String newId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static void awaitPersisted() {
        assertThat(stack.awaitPersisted(Duration.ofSeconds(30))).as("events not yet persisted").isZero();
    }

    /** Records in the events and accounts topics: moves iff anything was published. */
    private static long published() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (String topic : List.of(stack.settings().topic(), EventTopics.ACCOUNTS)) {
                for (int partition = 0; partition < stack.settings().partitions(); partition++) {
                    ends.put(new TopicPartition(topic, partition), OffsetSpec.latest());
                }
            }
            return admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the topics' end offsets", e);
        }
    }

    /** chatsync_ingest_webhooks_total by outcome, from the API's metrics. */
    private static Map<String, Double> webhookOutcomes() {
        Map<String, Double> outcomes = new HashMap<>();
        for (String outcome : List.of("published", "replayed", "ignored", "bad_signature", "expired", "malformed", "too_large")) {
            outcomes.put(outcome, metric(stack.apiUrl(), "chatsync_ingest_webhooks_total", "outcome", outcome));
        }
        return outcomes;
    }

    /** chatsync_persister_records_total of one outcome, from the persister's metrics. */
    private static double persisterRecords(String outcome) {
        return metric(stack.persisterUrl(), "chatsync_persister_records_total", "outcome", outcome);
    }

    private static double metric(URI service, String name, String tag, String value) {
        ChatClient.Response metrics = client.send(HttpRequest.newBuilder(service.resolve("/actuator/prometheus")).GET());
        Matcher sample = Pattern.compile("(?m)^" + name + "\\{[^}]*" + tag + "=\"" + Pattern.quote(value) + "\"[^}]*} (\\S+)$").matcher(metrics.body());
        assertThat(sample.find()).as("%s{%s=%s} in the metrics of %s", name, tag, value, service).isTrue();
        return Double.parseDouble(sample.group(1));
    }

    /** display name, primary email, image URL and Clerk's updated_at (epoch milliseconds) of the users row. */
    private static List<String> profile(String user) {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT display_name, primary_email, image_url, (extract(epoch FROM profile_updated_at) * 1000)::bigint::text
                       FROM users WHERE id = ?""")) {
            statement.setString(1, user);
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).as("a users row for %s", user).isTrue();
                return List.of(row.getString(1), row.getString(2), row.getString(3), row.getString(4));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> conversationIds(String user) {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("SELECT id FROM conversations WHERE user_id = ? ORDER BY id")) {
            statement.setString(1, user);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** The count a statement with one parameter answers: a user id, or conversation ids as a bigint array. */
    private static long count(String sql, Object parameter) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter instanceof List<?> ids) {
                statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            } else {
                statement.setString(1, (String) parameter);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static Connection connect() throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(stack.databaseUrl());
        return DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
    }
}
