package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.chatsync.schemas.event.AccountDeleted;
import dev.chatsync.schemas.event.AccountEvent;
import dev.chatsync.schemas.event.DeletionSource;
import dev.chatsync.schemas.event.UserProfileChanged;
import dev.chatsync.schemas.serde.AccountEventDeserializer;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.clerk.ClerkUserEvents;
import dev.chatsync.testsupport.clerk.SvixSigner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Clerk's webhooks and account deletion at the API: signed deliveries publish account events on the
 * accounts topic; forged, expired, malformed and oversize ones are refused naming the header or JSON
 * path, and replayed ones acknowledged, with nothing published on either topic; a deleted account's
 * writes are refused.
 */
class AccountsIT {

    private static final SvixSigner SVIX = new SvixSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    private static ApiWithTopic fixture;
    private static WebTestClient http;
    private static KafkaConsumer<String, AccountEvent> accounts;
    private static List<TopicPartition> accountPartitions;

    @BeforeAll
    static void start() {
        fixture = ApiWithTopic.start("ingest-accounts", 2, Map.of("chatsync.clerk-webhook.secret", SVIX.secret(),
                "chatsync.clerk-webhook.max-body-bytes", "4KB"));
        String accountsTopic = fixture.api().bean(dev.chatsync.events.AccountsTopic.class).topic();
        TestKafka.shared().createTopic(accountsTopic, 2);
        http = fixture.api().client();
        accounts = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new AccountEventDeserializer());
        accountPartitions = accounts.partitionsFor(accountsTopic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(accountsTopic, p.partition())).toList();
        accounts.assign(accountPartitions);
        accounts.seekToEnd(accountPartitions);
        accountPartitions.forEach(accounts::position);
    }

    @AfterAll
    static void stop() {
        accounts.close();
        fixture.close();
    }

    @Test
    void aSignedUserUpdatedIsPublishedKeyedByTheUserWithTheSvixIdAsItsEventId() {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        deliver(id, now(), userUpdated("user_profile1", 1654012824306L)).expectStatus().isOk()
                .expectBody().jsonPath("$.published").isEqualTo(1).jsonPath("$.replayed").isEqualTo(false);

        List<ConsumerRecord<String, AccountEvent>> published = nextAccountEvents(1);
        assertThat(published).hasSize(1);
        assertThat(published.get(0).key()).isEqualTo("user_profile1");
        AccountEvent event = published.get(0).value();
        assertThat(event.getEventId()).isEqualTo(id);
        assertThat(event.getUserId()).isEqualTo("user_profile1");
        assertThat(event.getPayload()).isEqualTo(new UserProfileChanged("Example User", "example@example.org",
                "https://img.clerk.com/xxxxxx", Instant.ofEpochMilli(1654012824306L)));
    }

    @Test
    void aReplayedDeliveryIsAcknowledgedAndPublishesNothing() {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        long timestamp = now();
        String body = userUpdated("user_replayed", 1_000);
        deliver(id, timestamp, body).expectStatus().isOk();
        assertThat(nextAccountEvents(1)).hasSize(1);
        long before = endOffsets();

        deliver(id, timestamp, body).expectStatus().isOk()
                .expectBody().jsonPath("$.published").isEqualTo(0).jsonPath("$.replayed").isEqualTo(true);

        assertThat(endOffsets()).isEqualTo(before);
    }

    @Test
    void forgedExpiredMalformedAndOversizeDeliveriesAreRefusedNamingTheRuleAndPublishNothing() {
        String body = userUpdated("user_forged", 1_000);
        String id = "msg_forged";
        long timestamp = now();
        long accountsBefore = endOffsets();
        long eventsBefore = fixture.events().endOffsets();
        Map<String, Double> outcomesBefore = webhookOutcomes();

        refused(http.post().uri("/webhooks/clerk").contentType(MediaType.APPLICATION_JSON)
                .header("svix-id", id).header("svix-timestamp", Long.toString(timestamp))
                .header("svix-signature", "v1," + Base64.getEncoder().encodeToString(new byte[32])).bodyValue(body),
                400, "svix-signature", "signature_mismatch");
        // signed with the right key, but over another body
        refused(http.post().uri("/webhooks/clerk").contentType(MediaType.APPLICATION_JSON)
                .header("svix-id", id).header("svix-timestamp", Long.toString(timestamp))
                .header("svix-signature", signature(id, timestamp, userUpdated("user_other", 1_000))).bodyValue(body),
                400, "svix-signature", "signature_mismatch");
        refused(signed(id, timestamp - 6 * 60, body), 400, "svix-timestamp", "tolerance");
        refused(signed(id, timestamp + 6 * 60, body), 400, "svix-timestamp", "tolerance");
        refused(http.post().uri("/webhooks/clerk").contentType(MediaType.APPLICATION_JSON)
                .header("svix-timestamp", Long.toString(timestamp)).header("svix-signature", signature(id, timestamp, body)).bodyValue(body),
                400, "svix-id", "required");
        refused(http.post().uri("/webhooks/clerk").contentType(MediaType.APPLICATION_JSON)
                .header("svix-id", id).header("svix-signature", signature(id, timestamp, body)).bodyValue(body),
                400, "svix-timestamp", "required");
        refused(http.post().uri("/webhooks/clerk").contentType(MediaType.APPLICATION_JSON)
                .header("svix-id", id).header("svix-timestamp", Long.toString(timestamp)).bodyValue(body),
                400, "svix-signature", "required");
        refused(signed(id, timestamp, "{\"type\": \"user.updated\", \"data\": {\"id\": \"user_1\"}}"), 400, "data.updated_at", "required");
        refused(signed(id, timestamp, "{\"type\": \"user.deleted\", \"data\": {\"id\": \"user/1\"}}"), 400, "data.id", "user_id");
        refused(signed(id, timestamp, "{\"type\": \"user.updated\""), 400, "body", "malformed_json");
        // the server stops reading at the limit and closes the connection: not one to reuse
        refused(signed(id, timestamp, "{\"type\": \"user.updated\", \"data\": {\"id\": \"user_1\", \"updated_at\": 1, \"pad\": \""
                + "x".repeat(5000) + "\"}}").header(HttpHeaders.CONNECTION, "close"), 413, "body", "max_bytes");

        assertThat(endOffsets()).isEqualTo(accountsBefore);
        assertThat(fixture.events().endOffsets()).isEqualTo(eventsBefore);
        assertThat(webhookOutcomesSince(outcomesBefore)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bad_signature", 5.0, "expired", 2.0, "malformed", 3.0, "too_large", 1.0, "published", 0.0, "replayed", 0.0, "ignored", 0.0));
        // a signed, well-formed delivery of the same id is taken afterwards: the refusals claimed nothing
        deliver(id, timestamp, body).expectStatus().isOk().expectBody().jsonPath("$.published").isEqualTo(1);
        assertThat(nextAccountEvents(1)).hasSize(1);
    }

    @Test
    void otherEventTypesAreAcknowledgedAndPublishNothing() {
        long before = endOffsets();
        Map<String, Double> outcomesBefore = webhookOutcomes();
        deliver("msg_session", now(), "{\"type\": \"session.created\", \"data\": {\"id\": \"sess_1\"}}").expectStatus().isOk()
                .expectBody().jsonPath("$.published").isEqualTo(0).jsonPath("$.type").isEqualTo("session.created");
        assertThat(endOffsets()).isEqualTo(before);
        assertThat(webhookOutcomesSince(outcomesBefore)).containsEntry("ignored", 1.0).containsEntry("published", 0.0);
    }

    @Test
    void afterUserDeletedTheAccountsWritesAreRefused() {
        String userId = "user_clerk_deleted";
        String token = fixture.jwks().token(userId);
        post(token, "c1").expectStatus().isAccepted();
        fixture.events().next(1);

        deliver("msg_" + UUID.randomUUID().toString().replace("-", ""), now(),
                ClerkUserEvents.deleted(userId))
                .expectStatus().isOk().expectBody().jsonPath("$.published").isEqualTo(1);
        List<ConsumerRecord<String, AccountEvent>> published = nextAccountEvents(1);
        assertThat(published).extracting(ConsumerRecord::key).containsExactly(userId);
        assertThat(published.get(0).value().getPayload()).isEqualTo(new AccountDeleted(DeletionSource.clerk));

        long before = fixture.events().endOffsets();
        post(token, "c2").expectStatus().isEqualTo(410)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("Authorization").jsonPath("$.errors[0].rule").isEqualTo("account_deleted");
        assertThat(fixture.events().endOffsets()).isEqualTo(before);
    }

    @Test
    void deleteApiAccountDeletesTheCallersAccountAndRefusesItsLaterWrites() {
        String userId = "user_self_deleted";
        String token = fixture.jwks().token(userId);
        http.delete().uri("/api/account").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.userId").isEqualTo(userId).jsonPath("$.published").isEqualTo(1);
        List<ConsumerRecord<String, AccountEvent>> published = nextAccountEvents(1);
        assertThat(published).extracting(ConsumerRecord::key).containsExactly(userId);
        assertThat(published.get(0).value().getPayload()).isEqualTo(new AccountDeleted(DeletionSource.user));

        long before = fixture.events().endOffsets();
        post(token, "c1").expectStatus().isEqualTo(410);
        http.delete().uri("/api/messages?conversationId=c1").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                .expectStatus().isEqualTo(410);
        assertThat(fixture.events().endOffsets()).isEqualTo(before);
        // reads pass (there is nothing to read), and deleting again is harmless
        http.get().uri("/api/messages").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange().expectStatus().isOk();
        http.delete().uri("/api/account").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange().expectStatus().isAccepted();
        assertThat(nextAccountEvents(1)).hasSize(1);
        // another user is not affected
        post(fixture.jwks().token("user_still_here"), "c1").expectStatus().isAccepted();
        fixture.events().next(1);
    }

    @Test
    void anAccountDeletedThroughAnotherInstanceIsRefusedOnceTheDatabaseSaysSo() throws Exception {
        String userId = "user_deleted_elsewhere";
        try (Connection connection = fixture.api().database().connect();
             PreparedStatement mark = connection.prepareStatement("INSERT INTO deleted_users (user_id, deleted_at) VALUES (?, now())")) {
            mark.setString(1, userId);
            mark.executeUpdate();
        }
        long before = fixture.events().endOffsets();
        post(fixture.jwks().token(userId), "c1").expectStatus().isEqualTo(410);
        assertThat(fixture.events().endOffsets()).isEqualTo(before);
    }

    private static WebTestClient.ResponseSpec post(String token, String conversationId) {
        return http.post().uri("/api/messages").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"conversationId\": \"" + conversationId + "\", \"personaId\": \"hitesh\", \"messages\": "
                        + "[{\"id\": \"m1\", \"role\": \"user\", \"content\": \"hello\"}]}")
                .exchange();
    }

    private static void refused(WebTestClient.RequestHeadersSpec<?> request, int status, String field, String rule) {
        request.exchange().expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo(field).jsonPath("$.errors[0].rule").isEqualTo(rule);
    }

    private static WebTestClient.ResponseSpec deliver(String id, long timestamp, String body) {
        return signed(id, timestamp, body).exchange();
    }

    private static WebTestClient.RequestHeadersSpec<?> signed(String id, long timestamp, String body) {
        return http.post().uri("/webhooks/clerk").contentType(MediaType.APPLICATION_JSON)
                .header("svix-id", id).header("svix-timestamp", Long.toString(timestamp))
                // as during a key rotation: a signature with an old key beside the current one
                .header("svix-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + signature(id, timestamp, body))
                .bodyValue(body);
    }

    static String signature(String id, long timestamp, String body) {
        return SVIX.signature(id, timestamp, body);
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    static String userUpdated(String userId, long updatedAt) {
        return ClerkUserEvents.profile("user.updated", userId, "Example", "User", "example@example.org", "https://img.clerk.com/xxxxxx", updatedAt);
    }

    /** chatsync.ingest.webhooks by outcome, as the API counted them so far. */
    private static Map<String, Double> webhookOutcomes() {
        Map<String, Double> outcomes = new HashMap<>();
        for (Counter counter : fixture.api().bean(MeterRegistry.class).find("chatsync.ingest.webhooks").counters()) {
            outcomes.put(counter.getId().getTag("outcome"), counter.count());
        }
        return outcomes;
    }

    private static Map<String, Double> webhookOutcomesSince(Map<String, Double> before) {
        Map<String, Double> since = new HashMap<>();
        webhookOutcomes().forEach((outcome, count) -> since.put(outcome, count - before.getOrDefault(outcome, 0.0)));
        return since;
    }

    private static long endOffsets() {
        return accounts.endOffsets(accountPartitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The account events published since the last call, waiting for {@code expected}, and any beyond them. */
    private static List<ConsumerRecord<String, AccountEvent>> nextAccountEvents(int expected) {
        List<ConsumerRecord<String, AccountEvent>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            accounts.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        accounts.poll(Duration.ofMillis(300)).forEach(records::add);
        return records;
    }
}
