package dev.chatsync.ingest.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ChatGptConversationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ClientIds IDS = new ClientIds(new IngestLimits(DataSize.ofMegabytes(1), 500, DataSize.ofKilobytes(32), 128, 256,
            DataSize.ofKilobytes(64), 100, 32));

    @Test
    void aRegeneratedReplyLeavesTheBranchTheUserLeftAndTheHiddenSystemPromptOut() throws IOException {
        ImportedConversation conversation = read(sample().get(0), 0);

        assertThat(conversation.body().get("conversationId").stringValue()).isEqualTo("chatgpt-67a1c0de-1111-4aaa-8bbb-000000000001");
        assertThat(conversation.body().get("personaId").stringValue()).isEqualTo("chatgpt");
        assertThat(conversation.body().get("title").stringValue()).isEqualTo("Kafka partitions");
        assertThat(ids(conversation)).containsExactly("aaa21f3c-7d55-4a0e-bb1e-000000000101", "1c9e4a2b-0000-4c1e-9f00-000000000103",
                "aaa2d7e1-1111-4b2c-8d3e-000000000104", "1c9e4a2b-0000-4c1e-9f00-000000000105");
        assertThat(roles(conversation)).containsExactly("user", "assistant", "user", "assistant");
        assertThat(texts(conversation).get(1)).startsWith("Start from the throughput you need");
        assertThat(conversation.skipped()).isEqualTo(Map.of("hidden", 1, "other_branch", 1));
        assertThat(conversation.createdAt()).isEqualTo(Instant.ofEpochSecond(1714000000));
        assertThat(conversation.messageTimes().get(0)).isEqualTo(Instant.ofEpochMilli(1714000000123L));
        JsonNode first = conversation.body().get("messages").get(0);
        assertThat(first.get("createdAt").longValue()).isEqualTo(1714000000123L);
        assertThat(conversation.body().get("messages").get(1).get("metadata"))
                .isEqualTo(JSON.readTree("{\"source\":\"chatgpt\",\"contentType\":\"text\",\"model\":\"gpt-4o\"}"));
    }

    @Test
    void toolCallsAndBrowsingResultsAreKeptAsTextAndReasoningAndImagesAreLeftOut() throws IOException {
        ImportedConversation conversation = read(sample().get(1), 1);

        assertThat(ids(conversation)).containsExactly("w-user-1", "w-call-1", "w-tool-1", "w-answer-1", "w-user-2", "w-answer-2");
        assertThat(roles(conversation)).containsExactly("user", "assistant", "tool", "assistant", "user", "assistant");
        assertThat(texts(conversation)).containsExactly("What's the weather in Berlin right now?", "search(\"weather Berlin now\")",
                "# 【0†Berlin weather†example.org】\nBerlin: 12 °C, light rain, wind 15 km/h", "It is 12 °C with light rain in Berlin.",
                "Is this umbrella big enough?", "Yes, for light rain it is.");
        assertThat(conversation.skipped()).isEqualTo(Map.of("hidden", 1, "non_text", 1));
    }

    @Test
    void anEditedPromptKeepsTheEditAndAnIdFieldServesWithoutConversationId() throws IOException {
        ImportedConversation conversation = read(sample().get(2), 2);

        assertThat(conversation.body().get("conversationId").stringValue()).isEqualTo("chatgpt-67a1c0de-3333-4aaa-8bbb-000000000003");
        assertThat(texts(conversation)).containsExactly("Hello!", "Hi! How can I help?");
        assertThat(roles(conversation)).containsExactly("user", "assistant");
        assertThat(conversation.skipped()).isEqualTo(Map.of("other_branch", 1));
    }

    @Test
    void theSameFileGivesTheSameIdsAndIdsOutsideTheAlphabetBecomeDigests() throws IOException {
        assertThat(ids(read(sample().get(0), 0))).isEqualTo(ids(read(sample().get(0), 0)));
        String digest = ChatGptConversation.conversationId("a b/c", IDS);
        assertThat(digest).matches("chatgpt-[0-9a-f]{32}").isEqualTo(ChatGptConversation.conversationId("a b/c", IDS));
        assertThat(ChatGptConversation.messageId("msg 1", IDS)).matches("chatgpt-[0-9a-f]{32}");
        assertThat(ChatGptConversation.messageId("msg-1", IDS)).isEqualTo("msg-1");
    }

    @Test
    void aFieldOfTheFlattenedConversationIsNamedByItsPathInTheDocument() throws IOException {
        ImportedConversation conversation = read(sample().get(0), 4);

        assertThat(conversation.sourcePath().apply("messages[1].role"))
                .isEqualTo("$[4].mapping['1c9e4a2b-0000-4c1e-9f00-000000000103'].message.author.role");
        assertThat(conversation.sourcePath().apply("messages[0].content")).isEqualTo("$[4].mapping['aaa21f3c-7d55-4a0e-bb1e-000000000101'].message.content");
        assertThat(conversation.sourcePath().apply("conversationId")).isEqualTo("$[4].conversation_id");
        assertThat(conversation.sourcePath().apply("title")).isEqualTo("$[4].title");
    }

    @Test
    void aBrokenTreeIsRefusedAtItsPath() throws IOException {
        ObjectNode noCurrent = (ObjectNode) sample().get(2);
        noCurrent.remove("current_node");
        assertViolation(noCurrent, "$[0].current_node", "required");

        ObjectNode unknownCurrent = (ObjectNode) sample().get(2);
        unknownCurrent.put("current_node", "nowhere");
        assertViolation(unknownCurrent, "$[0].current_node", "node");

        ObjectNode orphan = (ObjectNode) sample().get(2);
        ((ObjectNode) orphan.get("mapping").get("g-user-edited")).put("parent", "gone");
        assertViolation(orphan, "$[0].mapping['g-user-edited'].parent", "node");

        ObjectNode cycle = (ObjectNode) sample().get(2);
        ((ObjectNode) cycle.get("mapping").get("root-3")).put("parent", "g-answer");
        assertViolation(cycle, "$[0].mapping['root-3'].parent", "acyclic");

        ObjectNode noRole = (ObjectNode) sample().get(2);
        ((ObjectNode) noRole.get("mapping").get("g-answer").get("message").get("author")).remove("role");
        assertViolation(noRole, "$[0].mapping['g-answer'].message.author.role", "required");

        ObjectNode badTime = (ObjectNode) sample().get(2);
        badTime.put("create_time", "yesterday");
        assertViolation(badTime, "$[0].create_time", "timestamp");
    }

    @Test
    void aBranchLongerThanTheBoundIsRefused() throws IOException {
        assertThatThrownBy(() -> ChatGptConversation.read("$[0]", sample().get(1), "chatgpt", IDS, 3))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.violations())
                        .containsExactly(new FieldViolation("$[0].mapping", "max_items", "at most 3 messages on the current branch")));
    }

    private static void assertViolation(JsonNode conversation, String path, String rule) {
        assertThatThrownBy(() -> read(conversation, 0))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.violations()).hasSize(1);
                    assertThat(problem.violations().get(0).field()).isEqualTo(path);
                    assertThat(problem.violations().get(0).rule()).isEqualTo(rule);
                });
    }

    private static ImportedConversation read(JsonNode conversation, int index) {
        return ChatGptConversation.read("$[" + index + "]", conversation, "chatgpt", IDS, 100);
    }

    static JsonNode sample() throws IOException {
        try (InputStream in = ChatGptConversationTest.class.getResourceAsStream("/imports/chatgpt-conversations.json")) {
            return JSON.readTree(in);
        }
    }

    private static List<String> ids(ImportedConversation conversation) {
        return field(conversation, "id");
    }

    private static List<String> roles(ImportedConversation conversation) {
        return field(conversation, "role");
    }

    private static List<String> texts(ImportedConversation conversation) {
        List<String> texts = new ArrayList<>();
        conversation.body().get("messages").forEach(m -> texts.add(m.get("parts").get(0).get("text").stringValue()));
        return texts;
    }

    private static List<String> field(ImportedConversation conversation, String name) {
        List<String> values = new ArrayList<>();
        conversation.body().get("messages").forEach(m -> values.add(m.get(name).stringValue()));
        return values;
    }
}
