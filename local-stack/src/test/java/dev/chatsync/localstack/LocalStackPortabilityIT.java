package dev.chatsync.localstack;

import static dev.chatsync.localstack.ChatClient.conversation;
import static dev.chatsync.localstack.ChatClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chatsync.database.DatabaseUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Export and import through the whole pipeline (API, Kafka, persister, Postgres): an account exported,
 * imported into a fresh one and exported again gives the same conversations; ChatGPT's export reads
 * back in the order and roles of its current branch; importing either again stores nothing new.
 */
class LocalStackPortabilityIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final Path CHATGPT_SAMPLE = Path.of("..", "ingest-api", "src", "test", "resources", "imports", "chatgpt-conversations.json");
    /** What an export says of a message that an import into another account carries over. */
    private static final List<String> MESSAGE_FIELDS = List.of("id", "role", "content", "parts", "metadata", "createdAt", "updatedAt");
    private static final List<String> CONVERSATION_FIELDS = List.of("conversationId", "personaId", "title", "createdAt", "updatedAt");

    @TempDir
    static Path data;
    static LocalStack stack;
    static ChatClient client;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStackSettings.forTests(data));
        client = new ChatClient(stack.apiUrl());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAccountExportedImportedIntoAFreshOneAndExportedAgainGivesTheSameConversations() {
        String alice = client.token("port_alice");
        Map<String, Object> withParts = new LinkedHashMap<>(message("k3", "assistant", "Append-only."));
        withParts.put("parts", List.of(Map.of("type", "reasoning", "text", "short answer"), Map.of("type", "text", "text", "Append-only.")));
        withParts.put("metadata", Map.of("model", "m-1", "tokens", 12, "score", 0.50));
        withParts.remove("content");
        assertThat(client.post(alice, conversation("kafka-101", "hitesh", List.of(message("k1", "user", "What is a log?"),
                message("k2", "assistant", "An ordered seq"), withParts))).status()).isEqualTo(202);
        assertThat(client.post(alice, conversation("kafka-101", "hitesh", List.of(message("k1", "user", "What is a log?"),
                message("k2", "assistant", "An ordered sequence of records."), withParts))).status()).isEqualTo(202);
        assertThat(client.post(alice, conversation("tea", "piyush", List.of(message("t1", "user", "Chai or matcha?")))).status()).isEqualTo(202);
        assertThat(stack.awaitPersisted(DRAIN)).isZero();
        ChatClient.Response exported = client.export(alice, "");
        assertThat(exported.status()).isEqualTo(200);
        assertThat(exported.header("Content-Disposition")).startsWith("attachment; filename=\"chat-sync-export-");

        String bob = client.token("port_bob");
        ChatClient.Response imported = client.importDocument(bob, exported.body().getBytes(StandardCharsets.UTF_8));
        assertThat(imported.status()).as(imported.body()).isEqualTo(202);
        assertThat(imported.json().get("conversations").intValue()).isEqualTo(2);
        assertThat(imported.json().get("messages").intValue()).isEqualTo(4);
        assertThat(stack.awaitPersisted(DRAIN)).isZero();
        JsonNode again = client.export(bob, "").json();

        JsonNode original = exported.json();
        assertThat(again.get("conversations")).hasSize(2);
        assertThat(comparable(again)).isEqualTo(comparable(original));
        // what does not carry over: the exporting account's revision numbers (an import starts each message's history afresh)
        assertThat(original.get("conversations").get(0).get("messages").get(1).get("revision").intValue()).isEqualTo(2);
        assertThat(again.get("conversations").get(0).get("messages").get(1).get("revision").intValue()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM conversations WHERE user_id = 'port_bob'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM conversations WHERE user_id = 'port_alice'")).isEqualTo(2);

        assertThat(client.importDocument(bob, exported.body().getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
        assertThat(stack.awaitPersisted(DRAIN)).isZero();
        assertThat(comparable(client.export(bob, "").json())).isEqualTo(comparable(original));
        assertThat(rowsOf("port_bob")).isEqualTo(List.of(2L, 4L, 0L, 2L));

        // an export with the earlier versions imports the same: the versions stay the exporting account's history
        String dave = client.token("port_dave");
        ChatClient.Response withRevisions = client.export(alice, "?revisions=true");
        assertThat(withRevisions.json().get("conversations").get(0).get("messages").get(1).get("revisions")).hasSize(1);
        assertThat(client.importDocument(dave, withRevisions.body().getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
        assertThat(stack.awaitPersisted(DRAIN)).isZero();
        assertThat(comparable(client.export(dave, "").json())).isEqualTo(comparable(original));
        assertThat(rowsOf("port_dave")).isEqualTo(List.of(2L, 4L, 0L, 2L));
    }

    @Test
    void chatGptsExportReadsBackOnItsCurrentBranchInOrderAndImportingItAgainStoresNothingNew() throws IOException {
        String carol = client.token("port_carol");
        byte[] sample = Files.readAllBytes(CHATGPT_SAMPLE);

        ChatClient.Response imported = client.importDocument(carol, sample);
        assertThat(imported.status()).as(imported.body()).isEqualTo(202);
        assertThat(stack.awaitPersisted(DRAIN)).isZero();

        JsonNode kafka = client.get(carol, "?conversationId=chatgpt-67a1c0de-1111-4aaa-8bbb-000000000001").json();
        assertThat(kafka.get("conversation").get("title").stringValue()).isEqualTo("Kafka partitions");
        assertThat(kafka.get("conversation").get("personaId").stringValue()).isEqualTo("chatgpt");
        assertThat(field(kafka, "role")).containsExactly("user", "assistant", "user", "assistant");
        assertThat(field(kafka, "content")).containsExactly("How many partitions should a topic have?",
                "Start from the throughput you need: partitions = target throughput / throughput of one consumer.",
                "Thanks! And the replication factor?", "Use a replication factor of 3 with min.insync.replicas=2.");
        assertThat(kafka.get("messages").get(0).get("createdAt").stringValue()).isEqualTo("2024-04-24T23:06:40.123Z");
        JsonNode weather = client.get(carol, "?conversationId=chatgpt-67a1c0de-2222-4aaa-8bbb-000000000002").json();
        assertThat(field(weather, "role")).containsExactly("user", "assistant", "tool", "assistant", "user", "assistant");
        assertThat(field(weather, "content").get(2)).endsWith("Berlin: 12 °C, light rain, wind 15 km/h");
        JsonNode greeting = client.get(carol, "?conversationId=chatgpt-67a1c0de-3333-4aaa-8bbb-000000000003").json();
        assertThat(field(greeting, "content")).containsExactly("Hello!", "Hi! How can I help?");
        // history from 2024 counts on its own days, never against today's quota
        assertThat(client.usage(carol).json().get("used").intValue()).isZero();
        assertThat(count("SELECT sum(message_count) FROM rate_limits WHERE user_id = 'port_carol' AND day < DATE '2025-01-01'")).isEqualTo(5);
        List<Long> stored = rowsOf("port_carol");
        assertThat(stored).isEqualTo(List.of(3L, 12L, 0L, 5L));

        ChatClient.Response again = client.importDocument(carol, sample);
        assertThat(again.status()).isEqualTo(202);
        assertThat(stack.awaitPersisted(DRAIN)).isZero();
        assertThat(rowsOf("port_carol")).isEqualTo(stored);
    }

    /** The export's conversations with the fields that carry over to another account. */
    private static List<Map<String, Object>> comparable(JsonNode document) {
        List<Map<String, Object>> conversations = new ArrayList<>();
        for (JsonNode conversation : document.get("conversations")) {
            Map<String, Object> fields = new LinkedHashMap<>();
            CONVERSATION_FIELDS.forEach(name -> fields.put(name, conversation.get(name)));
            List<Map<String, JsonNode>> messages = new ArrayList<>();
            for (JsonNode message : conversation.get("messages")) {
                Map<String, JsonNode> kept = new LinkedHashMap<>();
                MESSAGE_FIELDS.forEach(name -> kept.put(name, message.get(name)));
                messages.add(kept);
            }
            fields.put("messages", messages);
            conversations.add(fields);
        }
        return conversations;
    }

    private static List<String> field(JsonNode page, String name) {
        List<String> values = new ArrayList<>();
        page.get("messages").forEach(message -> values.add(message.get(name).stringValue()));
        return values;
    }

    /** The user's conversations, messages, kept revisions and counted user messages. */
    private static List<Long> rowsOf(String userId) {
        return List.of(
                count("SELECT count(*) FROM conversations WHERE user_id = '" + userId + "'"),
                count("SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = '" + userId + "'"),
                count("SELECT count(*) FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id = '" + userId + "'"),
                count("SELECT coalesce(sum(message_count), 0) FROM rate_limits WHERE user_id = '" + userId + "'"));
    }

    private static long count(String sql) {
        DatabaseUrl url = DatabaseUrl.parse(stack.databaseUrl());
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
