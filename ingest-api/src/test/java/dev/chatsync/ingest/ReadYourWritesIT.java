package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.chatsync.events.EventsTopic;
import dev.chatsync.ingest.synctoken.SyncTokens;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Reads given a syncToken, against the persister's position in kafka_offsets as this test writes it
 * (no persister runs here): they wait until it is past the token, at most the configured bound, and
 * say which of the two happened; reads without a token are untouched.
 */
class ReadYourWritesIT {

    private static final Duration MAX_WAIT = Duration.ofSeconds(3);
    private static final UUID TOPIC_ID = UUID.randomUUID();

    private static ApiWithTopic fixture;
    private static RunningApi api;
    private static WebTestClient http;
    private static String topic;

    @BeforeAll
    static void start() {
        fixture = ApiWithTopic.start("ingest-read-your-writes", 1, Map.of("chatsync.ingest.sync-token.max-wait", MAX_WAIT.toMillis() + "ms"));
        api = fixture.api();
        http = api.client();
        topic = api.bean(EventsTopic.class).topic();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aReadWaitsAtMostTheBoundAndThenSaysItMayMissTheWrite() {
        SyncTokens.Position position = write("user_patient", "c1");
        long started = System.nanoTime();

        read("user_patient", "/api/messages?conversationId=c1&syncToken=" + token("user_patient", position))
                .expectStatus().isNotFound()
                .expectHeader().valueEquals("Chat-Sync-Consistent", "false");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered once the bound passed").isGreaterThanOrEqualTo(MAX_WAIT);
    }

    @Test
    void aReadWhoseWriteIsCommittedPassesAndSaysSo() throws SQLException {
        SyncTokens.Position position = write("user_quick", "c2");
        commit(position.offset() + 1);

        read("user_quick", "/api/usage?syncToken=" + token("user_quick", position))
                .expectStatus().isOk()
                .expectHeader().valueEquals("Chat-Sync-Consistent", "true");
        http.get().uri("/api/messages").header("Authorization", "Bearer " + fixture.jwks().token("user_quick"))
                .header("Chat-Sync-Token", token("user_quick", position)).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Chat-Sync-Consistent", "true");
    }

    @Test
    void aWaitingReadGoesOnOnceThePersisterCommitsPastItsToken() throws Exception {
        SyncTokens.Position position = write("user_waiting", "c3");
        String token = token("user_waiting", position);
        commit(position.offset());
        double waitingBefore = waiting();

        CompletableFuture<EntityExchangeResult<byte[]>> reading = CompletableFuture.supplyAsync(() ->
                read("user_waiting", "/api/messages?syncToken=" + token).expectStatus().isOk().expectBody().returnResult());
        awaitWaiting(waitingBefore + 1);
        assertThat(reading).isNotDone();
        commit(position.offset() + 1);

        EntityExchangeResult<byte[]> result = reading.get(30, TimeUnit.SECONDS);
        assertThat(result.getResponseHeaders().getFirst("Chat-Sync-Consistent")).isEqualTo("true");
    }

    @Test
    void theOldRowsOfATopicCreatedAgainDoNotCount() throws SQLException {
        SyncTokens.Position position = write("user_recreated", "c4");
        commit(position.offset());
        try (Connection connection = api.database().connect();
             PreparedStatement old = connection.prepareStatement("""
                     INSERT INTO kafka_offsets (topic_id, partition, topic, next_offset, updated_at)
                     VALUES (?, ?, ?, 1000000, now() - interval '1 day')""")) {
            old.setObject(1, UUID.randomUUID());
            old.setInt(2, position.partition());
            old.setString(3, topic);
            old.executeUpdate();
        }

        read("user_recreated", "/api/usage?syncToken=" + token("user_recreated", position))
                .expectStatus().isOk()
                .expectHeader().valueEquals("Chat-Sync-Consistent", "false");
    }

    @Test
    void readsWithoutATokenAndWritesAreUntouched() {
        read("user_plain", "/api/usage").expectStatus().isOk().expectHeader().doesNotExist("Chat-Sync-Consistent");
        // a token on a write is not a read's: not checked, not waited for
        http.post().uri("/api/messages").header("Authorization", "Bearer " + fixture.jwks().token("user_plain"))
                .header("Chat-Sync-Token", "not-a-token")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Bodies.sync("c5", "p", null, Bodies.dialogue(1))).exchange()
                .expectStatus().isAccepted().expectHeader().doesNotExist("Chat-Sync-Consistent");
    }

    @Test
    void theOpenApiDocumentShowsTheTokenOnEveryRead() {
        http.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/messages'].get.parameters[?(@.name == 'syncToken')].in").isEqualTo(List.of("query"))
                .jsonPath("$.paths['/api/usage'].get.parameters[?(@.name == 'Chat-Sync-Token')].in").isEqualTo(List.of("header"))
                .jsonPath("$.paths['/api/usage'].get.responses['200'].headers['Chat-Sync-Consistent']").exists()
                .jsonPath("$.paths['/api/messages'].post.parameters").doesNotExist()
                .jsonPath("$.components.schemas.SyncAccepted.properties.syncToken").exists();
    }

    /** Posts one message and returns where its event landed, as its syncToken says. */
    private static SyncTokens.Position write(String userId, String conversationId) {
        Map<?, ?> accepted = http.post().uri("/api/messages").header("Authorization", "Bearer " + fixture.jwks().token(userId))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Bodies.sync(conversationId, "p", null, Bodies.dialogue(1))).exchange()
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        return api.bean(SyncTokens.class).verify(userId, (String) accepted.get("syncToken"));
    }

    private static String token(String userId, SyncTokens.Position position) {
        return api.bean(SyncTokens.class).issue(userId, position.partition(), position.offset());
    }

    private static WebTestClient.ResponseSpec read(String userId, String uri) {
        return http.get().uri(uri).header("Authorization", "Bearer " + fixture.jwks().token(userId)).exchange();
    }

    /** Moves the persister's position as the persister would: the current topic's row, never backwards. */
    private static void commit(long nextOffset) throws SQLException {
        try (Connection connection = api.database().connect();
             PreparedStatement upsert = connection.prepareStatement("""
                     INSERT INTO kafka_offsets AS o (topic_id, partition, topic, next_offset)
                     VALUES (?, 0, ?, ?)
                     ON CONFLICT (topic_id, partition)
                     DO UPDATE SET next_offset = greatest(o.next_offset, excluded.next_offset), updated_at = now()""")) {
            upsert.setObject(1, TOPIC_ID);
            upsert.setString(2, topic);
            upsert.setLong(3, nextOffset);
            upsert.executeUpdate();
        }
    }

    private static double waiting() {
        return api.bean(MeterRegistry.class).get("chatsync.ingest.sync.waiting").gauge().value();
    }

    private static void awaitWaiting(double count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (waiting() < count) {
            assertThat(System.nanoTime()).as("a read waiting").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
