package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.ConversationUpserted;
import dev.chatsync.schemas.event.MessageUpserted;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GET /api/export and POST /api/import against the real broker and database, without a persister:
 * what an export streams from the stored rows, which events an import publishes, and that a bad
 * document publishes nothing. The round trip through the persister is LocalStackPortabilityIT's.
 */
class PortabilityIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CHUNK_BYTES = 4096;
    private static final int BIG = 300;

    private static ApiWithTopic fixture;
    private static RunningApi api;
    private static WebTestClient http;

    @BeforeAll
    static void start() throws SQLException {
        fixture = ApiWithTopic.start("ingest-portability", 3, Map.of(
                "chatsync.ingest.export.chunk-bytes", CHUNK_BYTES + "B",
                "chatsync.ingest.export.rows-per-page", "50",
                "chatsync.ingest.export.conversations-per-page", "1",
                "chatsync.ingest.import.max-bytes", "1MB",
                "chatsync.ingest.import.max-conversations", "5",
                "chatsync.ingest.import.max-messages-per-conversation", "350"));
        api = fixture.api();
        http = api.client();
        try (PersisterWrites writes = PersisterWrites.begin(api.database())) {
            long big = writes.conversation("u_export", "c-big", "hitesh", "A long one");
            for (int i = 0; i < BIG; i++) {
                writes.message(big, "m" + i, i % 2 == 0 ? "user" : "assistant", i + " " + "lorem ipsum ".repeat(80));
            }
            long small = writes.conversation("u_export", "c-small", "piyush", null);
            writes.message(small, "s1", "assistant", "Kafka is a dis");
            writes.message(small, "s1", "assistant", "Kafka is a distributed log.",
                    "[{\"type\":\"text\",\"text\":\"Kafka is a distributed log.\"}]", "{\"model\":\"m-1\",\"score\":1.50}");
            writes.conversation("u_other", "c-other", "hitesh", "not yours");
            writes.commit();
        }
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void anExportStreamsTheCallersConversationsInChunksAsAnAttachment() throws IOException {
        Download download = download("u_export", "/api/export");

        assertThat(download.head()).startsWith("HTTP/1.1 200");
        assertThat(download.head().toLowerCase()).contains("transfer-encoding: chunked", "content-type: application/json",
                "content-disposition: attachment; filename=\"chat-sync-export-");
        // about 300 KB of messages: many chunks, each cut at about the configured size
        assertThat(download.chunks()).hasSizeGreaterThan(50);
        assertThat(download.chunks()).allSatisfy(size -> assertThat(size).isLessThan(CHUNK_BYTES + 1500));
        JsonNode document = JSON.readTree(download.body());
        assertThat(document.get("format").stringValue()).isEqualTo("chat-sync.export");
        assertThat(document.get("version").intValue()).isEqualTo(1);
        assertThat(document.get("revisions").booleanValue()).isFalse();
        JsonNode conversations = document.get("conversations");
        assertThat(conversations).hasSize(2);
        assertThat(conversations.get(0).get("conversationId").stringValue()).isEqualTo("c-big");
        assertThat(conversations.get(1).get("conversationId").stringValue()).isEqualTo("c-small");
        JsonNode big = conversations.get(0);
        assertThat(big.get("personaId").stringValue()).isEqualTo("hitesh");
        assertThat(big.get("title").stringValue()).isEqualTo("A long one");
        assertThat(big.get("messages")).hasSize(BIG);
        for (int i = 0; i < BIG; i++) {
            assertThat(big.get("messages").get(i).get("id").stringValue()).isEqualTo("m" + i);
        }
        JsonNode edited = conversations.get(1).get("messages").get(0);
        assertThat(edited.get("content").stringValue()).isEqualTo("Kafka is a distributed log.");
        assertThat(edited.get("revision").intValue()).isEqualTo(2);
        // jsonb keeps the number as posted, and the export writes it as Postgres returns it
        assertThat(new String(download.body(), StandardCharsets.UTF_8)).contains("\"score\": 1.50");
        assertThat(edited.has("revisions")).isFalse();
        assertThat(conversations.get(1).get("title").isNull()).isTrue();
    }

    @Test
    void withRevisionsEachMessageListsTheVersionsItKeeps() throws IOException {
        JsonNode document = JSON.readTree(download("u_export", "/api/export?revisions=true").body());

        assertThat(document.get("revisions").booleanValue()).isTrue();
        JsonNode edited = document.get("conversations").get(1).get("messages").get(0);
        assertThat(edited.get("revisions")).hasSize(1);
        assertThat(edited.get("revisions").get(0).get("content").stringValue()).isEqualTo("Kafka is a dis");
        assertThat(edited.get("revisions").get(0).get("revision").intValue()).isEqualTo(1);
        assertThat(document.get("conversations").get(0).get("messages")).hasSize(BIG);
    }

    @Test
    void anAccountWithoutConversationsExportsAnEmptyDocumentAndABadParameterIsA400() throws IOException {
        JsonNode document = JSON.readTree(download("u_nobody", "/api/export").body());
        assertThat(document.get("conversations")).isEmpty();

        http.get().uri("/api/export?revisions=yes").header("Authorization", "Bearer " + fixture.jwks().token("u_export")).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("revisions").jsonPath("$.errors[0].rule").isEqualTo("boolean");
        http.get().uri("/api/export").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void chatGptHistoryIsPublishedAsTheCallersOnItsCurrentBranchAtTheTimesItWasWritten() throws IOException {
        JsonNode accepted = postImport("u_chatgpt", chatGptSample()).expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(accepted.get("format").stringValue()).isEqualTo("chatgpt");
        assertThat(accepted.get("conversations").intValue()).isEqualTo(3);
        assertThat(accepted.get("messages").intValue()).isEqualTo(12);
        assertThat(accepted.get("skipped").intValue()).isEqualTo(5);
        assertThat(accepted.get("skippedBy")).isEqualTo(JSON.readTree("{\"hidden\":2,\"non_text\":1,\"other_branch\":2}"));
        assertThat(accepted.get("published").intValue()).isEqualTo(15);
        List<ConsumerRecord<String, ConversationEvent>> records = eventsOf("u_chatgpt", 15);
        assertThat(records).hasSize(15);
        List<ConversationEvent> kafka = ofConversation(records, "u_chatgpt/chatgpt-67a1c0de-1111-4aaa-8bbb-000000000001");
        assertThat(kafka.get(0).getPayload()).isInstanceOf(ConversationUpserted.class);
        assertThat(kafka.get(0).getAcceptedAt()).isEqualTo(Instant.ofEpochSecond(1714000000));
        List<MessageUpserted> messages = kafka.stream().skip(1).map(e -> (MessageUpserted) e.getPayload()).toList();
        assertThat(messages).extracting(MessageUpserted::getMessageId).containsExactly("aaa21f3c-7d55-4a0e-bb1e-000000000101",
                "1c9e4a2b-0000-4c1e-9f00-000000000103", "aaa2d7e1-1111-4b2c-8d3e-000000000104", "1c9e4a2b-0000-4c1e-9f00-000000000105");
        assertThat(messages).extracting(m -> m.getRole().name()).containsExactly("user", "assistant", "user", "assistant");
        assertThat(messages).allSatisfy(m -> assertThat(m.getPersonaId()).isEqualTo("chatgpt"));
        assertThat(messages.get(3).getContent()).isEqualTo("Use a replication factor of 3 with min.insync.replicas=2.");
        assertThat(kafka.get(1).getAcceptedAt()).isEqualTo(Instant.ofEpochMilli(1714000000123L));
        assertThat(messages.get(0).getCreatedAt()).isEqualTo(Instant.ofEpochMilli(1714000000123L));
        assertThat(ofConversation(records, "u_chatgpt/chatgpt-67a1c0de-2222-4aaa-8bbb-000000000002").stream().skip(1)
                .map(e -> ((MessageUpserted) e.getPayload()).getRole().name()).toList())
                .containsExactly("user", "assistant", "tool", "assistant", "user", "assistant");
    }

    @Test
    void anExportOfAnotherUsersAccountImportsAsTheCallersOwn() throws IOException {
        byte[] exported = download("u_export", "/api/export").body();

        JsonNode accepted = postImport("u_importer", exported).expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(accepted.get("format").stringValue()).isEqualTo("chat-sync.export");
        assertThat(accepted.get("conversations").intValue()).isEqualTo(2);
        assertThat(accepted.get("messages").intValue()).isEqualTo(BIG + 1);
        assertThat(accepted.get("skipped").intValue()).isZero();
        List<ConsumerRecord<String, ConversationEvent>> records = eventsOf("u_importer", BIG + 3);
        assertThat(records).hasSize(BIG + 3);
        MessageUpserted edited = (MessageUpserted) ofConversation(records, "u_importer/c-small").get(1).getPayload();
        assertThat(edited.getContent()).isEqualTo("Kafka is a distributed log.");
        assertThat(edited.getMetadata()).isEqualTo("{\"model\":\"m-1\",\"score\":1.50}");
        // the exported revision is history of the exporting account, not a base the importing one edited from
        assertThat(edited.getBaseRevision()).isNull();
    }

    record Bad(String name, byte[] body, int status, String field, String rule) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badDocuments() throws IOException {
        List<Bad> cases = new ArrayList<>();
        cases.add(new Bad("malformed JSON", "{\"format\":\"chat-sync.export\",\"version\":1,\"conversations\":[{\"conversationId\": nope}]}"
                .getBytes(StandardCharsets.UTF_8), 400, "$.conversations[0].conversationId", "malformed_json"));
        cases.add(new Bad("not a document", "\"conversations\"".getBytes(StandardCharsets.UTF_8), 400, "$", "type"));
        cases.add(export("unknown role in the fourth conversation", d -> message(d, 3, 0).put("role", "robot"),
                "$.conversations[3].messages[0].role", "one_of"));
        cases.add(export("another format", d -> d.put("format", "other.export"), "$.format", "one_of"));
        cases.add(export("a later version", d -> d.put("version", 2), "$.version", "supported"));
        cases.add(export("no conversations", d -> d.remove("conversations"), "$.conversations", "required"));
        cases.add(export("conversations not an array", d -> d.putObject("conversations"), "$.conversations", "type"));
        cases.add(export("one conversation twice", d -> ((ObjectNode) d.get("conversations").get(1)).put("conversationId", "c0"),
                "$.conversations[1].conversationId", "unique"));
        cases.add(export("a wrong time", d -> message(d, 0, 1).put("updatedAt", "last tuesday"),
                "$.conversations[0].messages[1].updatedAt", "timestamp"));
        cases.add(export("NUL in content", d -> message(d, 2, 1).put("content", "a\u0000b"), "$.conversations[2].messages[1].content", "no_nul"));
        cases.add(export("no conversation id", d -> ((ObjectNode) d.get("conversations").get(1)).remove("conversationId"),
                "$.conversations[1].conversationId", "required"));
        cases.add(export("too many conversations", d -> {
            ArrayNode conversations = (ArrayNode) d.get("conversations");
            conversations.add(conversation(4));
            conversations.add(conversation(5));
        }, "$.conversations", "max_items"));
        cases.add(export("too many messages", d -> {
            ArrayNode messages = (ArrayNode) d.get("conversations").get(0).get("messages");
            for (int i = 0; i < 351; i++) {
                messages.addObject().put("id", "x" + i).put("role", "user").put("content", "x");
            }
        }, "$.conversations[0].messages", "max_items"));
        ArrayNode chatGpt = (ArrayNode) JSON.readTree(chatGptSample());
        ((ObjectNode) chatGpt.get(1)).remove("current_node");
        cases.add(new Bad("ChatGPT conversation without current_node", JSON.writeValueAsBytes(chatGpt), 400, "$[1].current_node", "required"));
        ArrayNode nul = (ArrayNode) JSON.readTree(chatGptSample());
        ((ArrayNode) nul.get(2).get("mapping").get("g-answer").get("message").get("content").get("parts")).set(0, "a\u0000b");
        cases.add(new Bad("NUL in a ChatGPT message", JSON.writeValueAsBytes(nul), 400, "$[2].mapping['g-answer'].message.content", "no_nul"));
        ObjectNode huge = document(1);
        ((ObjectNode) message(huge, 0, 0)).put("content", "y".repeat(1_100_000));
        cases.add(new Bad("larger than the bound", JSON.writeValueAsBytes(huge), 413, "body", "max_bytes"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDocuments")
    void aBadDocumentIsRefusedAtItsPathAndPublishesNothing(Bad bad) {
        long before = fixture.events().endOffsets();

        JsonNode problem = postImport("u_bad", bad.body()).expectStatus().isEqualTo(bad.status())
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(problem.get("errors").get(0).get("field").stringValue()).as("%s", problem).isEqualTo(bad.field());
        assertThat(problem.get("errors").get(0).get("rule").stringValue()).as("%s", problem).isEqualTo(bad.rule());
        assertThat(fixture.events().endOffsets()).as("end offsets after %s", bad.name()).isEqualTo(before);
    }

    private static Bad export(String name, Consumer<ObjectNode> change, String field, String rule) {
        ObjectNode document = document(4);
        change.accept(document);
        return new Bad(name, JSON.writeValueAsBytes(document), 400, field, rule);
    }

    /** A valid export of {@code conversations} conversations of two messages each. */
    private static ObjectNode document(int conversations) {
        ObjectNode document = JSON.createObjectNode().put("format", "chat-sync.export").put("version", 1).put("exportedAt", "2026-01-01T00:00:00Z");
        ArrayNode list = document.putArray("conversations");
        for (int i = 0; i < conversations; i++) {
            list.add(conversation(i));
        }
        return document;
    }

    private static ObjectNode conversation(int index) {
        ObjectNode conversation = JSON.createObjectNode().put("conversationId", "c" + index).put("personaId", "hitesh")
                .put("createdAt", "2025-06-01T10:00:00Z").put("updatedAt", "2025-06-01T10:01:00Z");
        ArrayNode messages = conversation.putArray("messages");
        messages.addObject().put("id", "m1").put("role", "user").put("content", "hi").put("createdAt", "2025-06-01T10:00:00Z");
        messages.addObject().put("id", "m2").put("role", "assistant").put("content", "hello").put("updatedAt", "2025-06-01T10:01:00Z");
        return conversation;
    }

    private static ObjectNode message(ObjectNode document, int conversation, int message) {
        return (ObjectNode) document.get("conversations").get(conversation).get("messages").get(message);
    }

    /**
     * The events of the user's conversations, by their keys, as they arrive (other tests' events may
     * still be read on the way); each one's user id must be the key's.
     */
    private static List<ConsumerRecord<String, ConversationEvent>> eventsOf(String userId, int expected) {
        List<ConsumerRecord<String, ConversationEvent>> found = new ArrayList<>();
        for (int attempt = 0; attempt < 20 && found.size() < expected; attempt++) {
            for (ConsumerRecord<String, ConversationEvent> record : fixture.events().next(expected - found.size())) {
                if (record.key().startsWith(userId + "/")) {
                    assertThat(record.value().getUserId()).isEqualTo(userId);
                    found.add(record);
                }
            }
        }
        return found;
    }

    private static List<ConversationEvent> ofConversation(List<ConsumerRecord<String, ConversationEvent>> records, String key) {
        return records.stream().filter(r -> r.key().equals(key)).map(ConsumerRecord::value).toList();
    }

    private static WebTestClient.ResponseSpec postImport(String userId, byte[] body) {
        return http.post().uri("/api/import").header("Authorization", "Bearer " + fixture.jwks().token(userId))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    static byte[] chatGptSample() throws IOException {
        try (InputStream in = PortabilityIT.class.getResourceAsStream("/imports/chatgpt-conversations.json")) {
            return in.readAllBytes();
        }
    }

    /** A response read off the socket: its head, the size of each HTTP chunk as the server sent it, and the body. */
    private record Download(String head, List<Integer> chunks, byte[] body) {
    }

    private static Download download(String userId, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + fixture.jwks().token(userId)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            StringBuilder head = new StringBuilder();
            for (String line = HttpWire.line(in); !line.isEmpty(); line = HttpWire.line(in)) {
                head.append(line).append('\n');
            }
            List<Integer> chunks = new ArrayList<>();
            byte[] body = HttpWire.chunkedBody(in, chunks::add);
            return new Download(head.toString(), chunks, body);
        }
    }
}
