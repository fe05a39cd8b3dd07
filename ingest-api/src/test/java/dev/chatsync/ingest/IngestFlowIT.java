package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.chatsync.ingest.synctoken.SyncTokens;
import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.ConversationUpserted;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.MessageUpserted;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every endpoint's happy path end to end: writes checked by the events that reach Kafka, reads by
 * rows put into Postgres, and users kept apart when they pick the same conversation id.
 */
class IngestFlowIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ApiWithTopic fixture;
    private static TestJwks jwks;
    private static RunningApi api;
    private static EventsTopicReader events;
    private static WebTestClient http;

    @BeforeAll
    static void start() {
        fixture = ApiWithTopic.start("ingest-flow", 3, Map.of());
        jwks = fixture.jwks();
        api = fixture.api();
        events = fixture.events();
        http = api.client();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void postPublishesOneMessageUpsertedPerMessageKeyedByConversation() {
        Map<String, Object> body = Bodies.sync("hitesh-conversation", "hitesh", "Chai and code", Bodies.dialogue(3));
        ((Map<String, Object>) ((List<?>) body.get("messages")).get(0)).put("createdAt", "2026-01-31T12:00:00Z");

        post("user_alice", body).expectStatus().isAccepted()
                .expectBody()
                .jsonPath("$.accepted").isEqualTo(3)
                .jsonPath("$.published").isEqualTo(3)
                .jsonPath("$.skipped").isEqualTo(0);

        List<ConsumerRecord<String, ConversationEvent>> records = events.next(3);
        assertThat(records).hasSize(3);
        assertThat(records).extracting(ConsumerRecord::key).containsOnly(new ConversationKey("user_alice", "hitesh-conversation").toString());
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
        MessageUpserted first = (MessageUpserted) records.get(0).value().getPayload();
        assertThat(records.get(0).value().getUserId()).isEqualTo("user_alice");
        assertThat(records.get(0).value().getConversationId()).isEqualTo("hitesh-conversation");
        assertThat(first.getPersonaId()).isEqualTo("hitesh");
        assertThat(first.getTitle()).isEqualTo("Chai and code");
        assertThat(first.getMessageId()).isEqualTo("m0");
        assertThat(first.getRole()).isEqualTo(MessageRole.user);
        assertThat(first.getContent()).isEqualTo("question 0");
        assertThat(first.getCreatedAt()).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        assertThat(records).extracting(r -> ((MessageUpserted) r.value().getPayload()).getMessageId()).containsExactly("m0", "m1", "m2");
        assertThat(records).extracting(r -> r.value().getEventId()).doesNotHaveDuplicates();
    }

    @Test
    void resyncSkipsWhatWasPublishedAndPublishesWhatChanged() {
        List<Map<String, Object>> dialogue = Bodies.dialogue(4);
        post("user_resync", Bodies.sync("c1", "p1", null, dialogue)).expectStatus().isAccepted();
        assertThat(events.next(4)).hasSize(4);

        post("user_resync", Bodies.sync("c1", "p1", null, dialogue)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(0).jsonPath("$.skipped").isEqualTo(4);
        assertThat(events.next(0)).isEmpty();

        dialogue.get(3).put("content", "answer 3, now finished streaming");
        dialogue.add(Bodies.message("m4", "user", "next question"));
        post("user_resync", Bodies.sync("c1", "p1", null, dialogue)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(2).jsonPath("$.skipped").isEqualTo(3);
        List<ConsumerRecord<String, ConversationEvent>> changed = events.next(2);
        assertThat(changed).extracting(r -> ((MessageUpserted) r.value().getPayload()).getMessageId()).containsExactly("m3", "m4");

        // a new title changes what the events carry, so the messages go out again
        post("user_resync", Bodies.sync("c1", "p1", "Renamed", dialogue)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(5);
        assertThat(events.next(5)).hasSize(5);
    }

    @Test
    void theRevisionAMessageWasEditedFromIsPublishedAsItsBaseRevision() {
        post("user_revisions", Bodies.sync("edited", "p", null, List.of(Bodies.message("m1", "user", "version one"))))
                .expectStatus().isAccepted();
        assertThat(baseRevisions(events.next(1))).containsExactly((Integer) null);

        Map<String, Object> edit = Bodies.message("m1", "user", "version two");
        edit.put("revision", 1);
        post("user_revisions", Bodies.sync("edited", "p", null, List.of(edit))).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(1);
        assertThat(baseRevisions(events.next(1))).containsExactly(1);
        post("user_revisions", Bodies.sync("edited", "p", null, List.of(edit))).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(0).jsonPath("$.skipped").isEqualTo(1);

        // the same content from another base, or from none, is another event
        edit.put("revision", 2);
        post("user_revisions", Bodies.sync("edited", "p", null, List.of(edit))).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(1);
        assertThat(baseRevisions(events.next(1))).containsExactly(2);
        edit.remove("revision");
        post("user_revisions", Bodies.sync("edited", "p", null, List.of(edit))).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(1);
        assertThat(baseRevisions(events.next(1))).containsExactly((Integer) null);
        assertThat(events.next(0)).isEmpty();
    }

    @Test
    void partsAndMetadataArePublishedAsTheJsonTextPosted() {
        List<Map<String, Object>> parts = List.of(
                Map.of("type", "reasoning", "text", "The user wants the weather; call the tool."),
                Map.of("type", "tool-getWeather", "toolCallId", "call_1", "state", "output-available",
                        "input", Map.of("city", "Pune"), "output", Map.of("tempC", 31.5, "conditions", List.of("sunny", "humid"))),
                Map.of("type", "file", "mediaType", "image/png", "url", "https://example.com/pune.png"),
                Map.of("type", "source-url", "sourceId", "s1", "url", "https://example.com/weather"),
                Map.of("type", "text", "text", "It is 31.5 °C in Pune, "),
                Map.of("type", "text", "text", "sunny and humid ☀️"));
        Map<String, Object> metadata = Map.of("model", "gpt-x", "usage", Map.of("inputTokens", 12, "outputTokens", 34), "pinned", false);
        Map<String, Object> question = new LinkedHashMap<>(Map.of("id", "u1", "role", "user",
                "parts", List.of(Map.of("type", "text", "text", "Weather in Pune?")), "metadata", Map.of("client", "web")));
        Map<String, Object> answer = new LinkedHashMap<>(Map.of("id", "a1", "role", "assistant", "parts", parts, "metadata", metadata));
        Map<String, Object> plain = Bodies.message("p1", "user", "thanks");
        List<Map<String, Object>> messages = List.of(question, answer, plain);

        post("user_parts", Bodies.sync("ai-sdk", "hitesh", null, messages)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(3);

        List<ConsumerRecord<String, ConversationEvent>> records = events.next(3);
        assertThat(records).hasSize(3);
        MessageUpserted asked = (MessageUpserted) records.get(0).value().getPayload();
        MessageUpserted answered = (MessageUpserted) records.get(1).value().getPayload();
        MessageUpserted thanked = (MessageUpserted) records.get(2).value().getPayload();
        assertThat(JSON.readTree(answered.getParts())).isEqualTo(JSON.valueToTree(parts));
        assertThat(JSON.readTree(answered.getMetadata())).isEqualTo(JSON.valueToTree(metadata));
        assertThat(answered.getContent()).as("the text parts, concatenated").isEqualTo("It is 31.5 °C in Pune, sunny and humid ☀️");
        assertThat(asked.getContent()).isEqualTo("Weather in Pune?");
        assertThat(JSON.readTree(asked.getMetadata())).isEqualTo(JSON.valueToTree(Map.of("client", "web")));
        assertThat(thanked.getContent()).isEqualTo("thanks");
        assertThat(thanked.getParts()).isNull();
        assertThat(thanked.getMetadata()).isNull();

        // unchanged parts are skipped like unchanged content; an edited tool output is published again
        post("user_parts", Bodies.sync("ai-sdk", "hitesh", null, messages)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(0);
        List<Map<String, Object>> edited = new ArrayList<>(parts);
        edited.set(1, Map.of("type", "tool-getWeather", "toolCallId", "call_1", "state", "output-available",
                "input", Map.of("city", "Pune"), "output", Map.of("tempC", 30, "conditions", List.of("cloudy"))));
        answer.put("parts", edited);
        post("user_parts", Bodies.sync("ai-sdk", "hitesh", null, messages)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(1).jsonPath("$.skipped").isEqualTo(2);
        List<ConsumerRecord<String, ConversationEvent>> republished = events.next(1);
        assertThat(republished).hasSize(1);
        assertThat(JSON.readTree(((MessageUpserted) republished.get(0).value().getPayload()).getParts())).isEqualTo(JSON.valueToTree(edited));
    }

    @Test
    void theSyncTokenOfA202NamesWhereItsLastEventLanded() {
        SyncTokens tokens = api.bean(SyncTokens.class);
        List<Map<String, Object>> dialogue = Bodies.dialogue(3);

        String first = syncToken(post("user_token", Bodies.sync("tokened", "p", null, dialogue)));
        List<ConsumerRecord<String, ConversationEvent>> records = events.next(3);
        assertThat(records).hasSize(3);
        assertThat(tokens.verify("user_token", first)).isEqualTo(positionOf(records.get(2)));

        // nothing published: the token points at what was published of these messages
        String skipped = syncToken(post("user_token", Bodies.sync("tokened", "p", null, dialogue)));
        assertThat(events.next(0)).isEmpty();
        assertThat(tokens.verify("user_token", skipped)).isEqualTo(positionOf(records.get(2)));
        String someSkipped = syncToken(post("user_token", Bodies.sync("tokened", "p", null, dialogue.subList(0, 2))));
        assertThat(events.next(0)).isEmpty();
        assertThat(tokens.verify("user_token", someSkipped)).isEqualTo(positionOf(records.get(1)));

        dialogue.get(0).put("content", "edited");
        String edited = syncToken(post("user_token", Bodies.sync("tokened", "p", null, dialogue)));
        List<ConsumerRecord<String, ConversationEvent>> republished = events.next(1);
        assertThat(republished).hasSize(1);
        assertThat(tokens.verify("user_token", edited)).isEqualTo(positionOf(republished.get(0)));

        String empty = syncToken(post("user_token", Bodies.sync("tokened", "p", "Titled", List.of())));
        assertThat(tokens.verify("user_token", empty)).isEqualTo(positionOf(events.next(1).get(0)));

        String deleted = http.delete().uri("/api/messages?conversationId=tokened").header("Authorization", "Bearer " + jwks.token("user_token"))
                .exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("syncToken").toString();
        assertThat(tokens.verify("user_token", deleted)).isEqualTo(positionOf(events.next(1).get(0)));
    }

    @Test
    void postWithoutMessagesPublishesConversationUpserted() {
        post("user_meta", Bodies.sync("empty-conv", "hitesh", "Just a title", List.of())).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(1);
        List<ConsumerRecord<String, ConversationEvent>> records = events.next(1);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("user_meta/empty-conv");
        ConversationUpserted upserted = (ConversationUpserted) records.get(0).value().getPayload();
        assertThat(upserted.getPersonaId()).isEqualTo("hitesh");
        assertThat(upserted.getTitle()).isEqualTo("Just a title");
    }

    @Test
    void deletePublishesConversationDeletedAndForgetsTheCache() {
        List<Map<String, Object>> dialogue = Bodies.dialogue(2);
        post("user_del", Bodies.sync("doomed", "p", null, dialogue)).expectStatus().isAccepted();
        assertThat(events.next(2)).hasSize(2);

        http.delete().uri("/api/messages?conversationId=doomed").header("Authorization", "Bearer " + jwks.token("user_del"))
                .exchange().expectStatus().isAccepted()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.conversationId").isEqualTo("doomed").jsonPath("$.published").isEqualTo(1);
        List<ConsumerRecord<String, ConversationEvent>> deleted = events.next(1);
        assertThat(deleted).hasSize(1);
        assertThat(deleted.get(0).key()).isEqualTo("user_del/doomed");
        assertThat(deleted.get(0).value().getPayload()).isInstanceOf(ConversationDeleted.class);

        // after a delete the same messages are new again and must be published, not skipped
        post("user_del", Bodies.sync("doomed", "p", null, dialogue)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.published").isEqualTo(2);
        assertThat(events.next(2)).hasSize(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void getsServeTheCallersRowsNewestFirstAndInOrder() throws SQLException {
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        long older = insertConversation("user_reader", "conv-old", "hitesh", "Old chat", t0, t0.plusSeconds(10));
        long newer = insertConversation("user_reader", "conv-new", "piyush", null, t0, t0.plusSeconds(20));
        for (int i = 0; i < 5; i++) {
            insertMessage(older, "om" + i, i % 2 == 0 ? "user" : "assistant", "old " + i, t0.plusSeconds(i));
        }
        insertMessage(newer, "nm0", "user", "hello piyush", t0);
        insertUsage("user_reader", LocalDate.now(ZoneOffset.UTC), 7);

        get("user_reader", "/api/messages").expectStatus().isOk()
                .expectBody()
                .jsonPath("$.conversations.length()").isEqualTo(2)
                .jsonPath("$.conversations[0].conversationId").isEqualTo("conv-new")
                .jsonPath("$.conversations[0].personaId").isEqualTo("piyush")
                .jsonPath("$.conversations[1].conversationId").isEqualTo("conv-old")
                .jsonPath("$.conversations[1].title").isEqualTo("Old chat")
                .jsonPath("$.conversations[1].updatedAt").isEqualTo("2026-03-01T10:00:10Z");
        get("user_reader", "/api/messages?limit=1").expectStatus().isOk()
                .expectBody()
                .jsonPath("$.conversations.length()").isEqualTo(1)
                .jsonPath("$.conversations[0].conversationId").isEqualTo("conv-new");

        get("user_reader", "/api/messages?personaId=hitesh").expectStatus().isOk()
                .expectBody()
                .jsonPath("$.conversation.conversationId").isEqualTo("conv-old")
                .jsonPath("$.messages.length()").isEqualTo(5)
                .jsonPath("$.messages[0].id").isEqualTo("om0")
                .jsonPath("$.messages[4].id").isEqualTo("om4")
                .jsonPath("$.nextCursor").doesNotExist();

        get("user_reader", "/api/messages?personaId=nobody").expectStatus().isOk()
                .expectBody().jsonPath("$.conversation").doesNotExist().jsonPath("$.messages.length()").isEqualTo(0);

        Map<String, Object> first = json("user_reader", "/api/messages?conversationId=conv-old&limit=2");
        assertThat(ids(first)).containsExactly("om0", "om1");
        assertThat(((List<Map<String, Object>>) first.get("messages")).get(0))
                .containsEntry("role", "user").containsEntry("content", "old 0").containsEntry("revision", 1);
        Map<String, Object> second = json("user_reader", "/api/messages?conversationId=conv-old&limit=2&cursor=" + first.get("nextCursor"));
        assertThat(ids(second)).containsExactly("om2", "om3");
        Map<String, Object> third = json("user_reader", "/api/messages?conversationId=conv-old&limit=2&cursor=" + second.get("nextCursor"));
        assertThat(ids(third)).containsExactly("om4");
        assertThat(third.get("nextCursor")).isNull();

        get("user_reader", "/api/usage").expectStatus().isOk()
                .expectBody()
                .jsonPath("$.used").isEqualTo(7)
                .jsonPath("$.limit").isEqualTo(100)
                .jsonPath("$.remaining").isEqualTo(93);
    }

    @Test
    void usersWithTheSameConversationIdNeverSeeOrTouchEachOther() throws SQLException {
        Instant t0 = Instant.parse("2026-03-02T10:00:00Z");
        long alices = insertConversation("user_a", "shared-id", "hitesh", "Alice's", t0, t0);
        insertMessage(alices, "secret", "user", "alice's secret", t0);

        get("user_b", "/api/messages?conversationId=shared-id").expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("conversationId");
        get("user_b", "/api/messages?personaId=hitesh").expectStatus().isOk()
                .expectBody().jsonPath("$.conversation").doesNotExist();
        get("user_b", "/api/messages").expectStatus().isOk()
                .expectBody().jsonPath("$.conversations.length()").isEqualTo(0);

        http.delete().uri("/api/messages?conversationId=shared-id").header("Authorization", "Bearer " + jwks.token("user_b"))
                .exchange().expectStatus().isAccepted();
        List<ConsumerRecord<String, ConversationEvent>> deleted = events.next(1);
        assertThat(deleted).extracting(ConsumerRecord::key).containsExactly("user_b/shared-id");
        assertThat(deleted.get(0).value().getUserId()).isEqualTo("user_b");

        post("user_b", Bodies.sync("shared-id", "hitesh", null, List.of(Bodies.message("secret", "user", "b overwrites?"))))
                .expectStatus().isAccepted();
        List<ConsumerRecord<String, ConversationEvent>> written = events.next(1);
        assertThat(written).extracting(ConsumerRecord::key).containsExactly("user_b/shared-id");
        assertThat(written.get(0).value().getUserId()).isEqualTo("user_b");

        get("user_a", "/api/messages?conversationId=shared-id").expectStatus().isOk()
                .expectBody().jsonPath("$.messages[0].content").isEqualTo("alice's secret");
    }

    @Test
    void openApiHealthAndMetricsAreServed() {
        http.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/api/messages'].post").exists()
                .jsonPath("$.paths['/api/usage'].get").exists();
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        post("user_metrics", Bodies.sync("m-conv", "p", null, Bodies.dialogue(1))).expectStatus().isAccepted();
        events.next(1);
        // Scraped without a token, like the health probes: the scraper is no Clerk user.
        String prometheus = http.get().uri("/actuator/prometheus")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus).contains("chatsync_ingest_messages_accepted_total", "chatsync_ingest_events_published_total",
                "chatsync_ingest_messages_skipped_total", "chatsync_ingest_publish_latency_seconds");
        http.get().uri("/actuator/info").exchange().expectStatus().isUnauthorized();
    }

    private static String syncToken(WebTestClient.ResponseSpec accepted) {
        Object token = accepted.expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("syncToken");
        assertThat(token).isInstanceOf(String.class);
        return (String) token;
    }

    private static List<Integer> baseRevisions(List<ConsumerRecord<String, ConversationEvent>> records) {
        return records.stream().map(r -> ((MessageUpserted) r.value().getPayload()).getBaseRevision()).toList();
    }

    private static SyncTokens.Position positionOf(ConsumerRecord<?, ?> record) {
        return new SyncTokens.Position(record.partition(), record.offset());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String userId, String uri) {
        return get(userId, uri).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("messages")).stream().map(m -> (String) m.get("id")).toList();
    }

    private WebTestClient.ResponseSpec post(String userId, Object body) {
        return http.post().uri("/api/messages").header("Authorization", "Bearer " + jwks.token(userId))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec get(String userId, String uri) {
        return http.get().uri(uri).header("Authorization", "Bearer " + jwks.token(userId)).exchange();
    }

    private static long insertConversation(String userId, String conversationId, String personaId, String title,
            Instant createdAt, Instant updatedAt) throws SQLException {
        try (Connection connection = api.database().connect()) {
            try (PreparedStatement user = connection.prepareStatement("INSERT INTO users (id) VALUES (?) ON CONFLICT DO NOTHING")) {
                user.setString(1, userId);
                user.executeUpdate();
            }
            try (PreparedStatement conversation = connection.prepareStatement("""
                    INSERT INTO conversations (user_id, conversation_id, persona_id, title, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")) {
                conversation.setString(1, userId);
                conversation.setString(2, conversationId);
                conversation.setString(3, personaId);
                conversation.setString(4, title);
                conversation.setTimestamp(5, Timestamp.from(createdAt));
                conversation.setTimestamp(6, Timestamp.from(updatedAt));
                var rs = conversation.executeQuery();
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void insertMessage(long conversationPk, String messageId, String role, String content, Instant at) throws SQLException {
        try (Connection connection = api.database().connect();
             PreparedStatement message = connection.prepareStatement("""
                     INSERT INTO messages (conversation_pk, message_id, role, content, created_at, updated_at, user_id)
                     VALUES (?, ?, ?, ?, ?, ?, (SELECT user_id FROM conversations WHERE id = ?))""")) {
            message.setLong(1, conversationPk);
            message.setString(2, messageId);
            message.setString(3, role);
            message.setString(4, content);
            message.setTimestamp(5, Timestamp.from(at));
            message.setTimestamp(6, Timestamp.from(at));
            message.setLong(7, conversationPk);
            message.executeUpdate();
        }
    }

    private static void insertUsage(String userId, LocalDate day, int count) throws SQLException {
        try (Connection connection = api.database().connect();
             PreparedStatement usage = connection.prepareStatement("INSERT INTO rate_limits (user_id, day, message_count) VALUES (?, ?, ?)")) {
            usage.setString(1, userId);
            usage.setObject(2, day);
            usage.setInt(3, count);
            usage.executeUpdate();
        }
    }
}
