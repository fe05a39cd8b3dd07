package dev.chatsync.persister.write;

import static dev.chatsync.persister.TestEvents.message;
import static dev.chatsync.schemas.event.MessageRole.assistant;
import static dev.chatsync.schemas.event.MessageRole.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.DirectWriter;
import dev.chatsync.persister.SchemaV1Events;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEvents;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageUpserted;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Messages as the Vercel AI SDK has them (parts and metadata, JSON text in the events) stored as
 * jsonb: the same JSON values come back, a change of any of them is a revision that keeps the old
 * ones, the same values in another spelling are unchanged, and events of schema v1 still store.
 * Each test uses its own user.
 */
class MessagePartsIT {

    private static final JsonMapper JSON = JsonMapper.shared();

    private static final String QUESTION_PARTS = """
            [{"type":"step-start"},{"type":"text","text":"What's the weather in Berlin? \\"quoted\\", back\\\\slash, नमस्ते 👋\\nnew line"}]""";
    private static final String ANSWER_PARTS = """
            [
              {"type": "step-start"},
              {"type": "reasoning", "text": "The user wants the weather: call the tool.", "providerMetadata": {"openai": {"itemId": "rs_1"}}},
              {"type": "tool-getWeather", "toolCallId": "c1", "state": "output-available", "input": {"city": "Berlin"}, "output": {"tempC": 21.5}},
              {"type": "source-url", "sourceId": "s1", "url": "https://example.com/berlin", "title": null},
              {"type": "text", "text": "It is 21.5 °C in Berlin.", "state": "done"}
            ]""";
    private static final String ANSWER_METADATA = """
            {"model":"gpt","tokens":{"in":12,"out":40},"seed":12345678901234567890,"cost":0.000120,"flags":[true,false,null]}""";
    private static final String FILE_PARTS = """
            [{"type":"file","mediaType":"image/png","filename":"sky.png","url":"data:image/png;base64,iVBORw0KGgo="},{"type":"text","text":"And here?"}]""";

    private static DirectWriter direct;

    @BeforeAll
    static void start() {
        direct = DirectWriter.start("message_parts");
    }

    @AfterAll
    static void stop() {
        direct.close();
    }

    @Test
    void anAiSdkConversationRoundTripsAsTheSameJsonValues() {
        BatchResult result = direct.writer().write(direct.batches().of(aiSdkConversation("u-sdk", ANSWER_PARTS, 1)));

        assertThat(result.inserted()).isEqualTo(3);
        List<Stored> stored = messagesOf("u-sdk");
        assertThat(stored).extracting(Stored::messageId).containsExactly("m1", "m2", "m3");
        assertSameJson(stored.get(0).parts(), QUESTION_PARTS);
        assertThat(stored.get(0).metadata()).isNull();
        assertSameJson(stored.get(1).parts(), ANSWER_PARTS);
        assertSameJson(stored.get(1).metadata(), ANSWER_METADATA);
        assertSameJson(stored.get(2).parts(), FILE_PARTS);
        assertThat(stored.get(1).content()).isEqualTo("It is 21.5 °C in Berlin.");
        // numbers keep their digits (jsonb numeric), which a double would not
        assertThat(JSON.readTree(stored.get(1).metadata()).get("seed")).hasToString("12345678901234567890");
        assertThat(stored).extracting(Stored::revision).containsOnly(1);
    }

    @Test
    void aResyncWithAnEditedToolOutputStoresARevisionKeepingTheOldParts() {
        direct.writer().write(direct.batches().of(aiSdkConversation("u-edit", ANSWER_PARTS, 1)));
        String edited = ANSWER_PARTS.replace("{\"tempC\": 21.5}", "{\"tempC\": 19.0, \"wind\": \"NW\"}");
        assertThat(edited).isNotEqualTo(ANSWER_PARTS);

        BatchResult result = direct.writer().write(direct.batches().of(aiSdkConversation("u-edit", edited, 10)));

        assertThat(result.updated()).isEqualTo(1);
        assertThat(result.unchanged()).isEqualTo(2);
        assertThat(result.inserted()).isZero();
        Stored answer = messagesOf("u-edit").get(1);
        assertThat(answer.revision()).isEqualTo(2);
        assertSameJson(answer.parts(), edited);
        assertSameJson(answer.metadata(), ANSWER_METADATA);
        List<Stored> revisions = revisionsOf("u-edit");
        assertThat(revisions).extracting(Stored::messageId, Stored::revision).containsExactly(tuple("m2", 1));
        assertSameJson(revisions.get(0).parts(), ANSWER_PARTS);
        assertSameJson(revisions.get(0).metadata(), ANSWER_METADATA);
        assertThat(JSON.readTree(revisions.get(0).parts()).get(2).get("output")).hasToString("{\"tempC\":21.5}");
    }

    @Test
    void metadataAloneChangingIsARevisionAndDroppingPartsIsOneToo() {
        direct.writer().write(direct.batches().of(message("u-meta", "c1", "m1", assistant, "hi", "[{\"type\":\"text\",\"text\":\"hi\"}]", "{\"model\":\"a\"}", 1)));

        BatchResult metadataChanged = direct.writer().write(direct.batches().of(message("u-meta", "c1", "m1", assistant, "hi", "[{\"type\":\"text\",\"text\":\"hi\"}]", "{\"model\":\"b\"}", 2)));
        BatchResult partsDropped = direct.writer().write(direct.batches().of(message("u-meta", "c1", "m1", assistant, "hi", null, "{\"model\":\"b\"}", 3)));

        assertThat(metadataChanged.updated()).isEqualTo(1);
        assertThat(partsDropped.updated()).isEqualTo(1);
        Stored stored = messagesOf("u-meta").get(0);
        assertThat(stored.revision()).isEqualTo(3);
        assertThat(stored.parts()).isNull();
        List<Stored> revisions = revisionsOf("u-meta");
        assertThat(revisions).extracting(Stored::revision).containsExactly(1, 2);
        assertSameJson(revisions.get(0).metadata(), "{\"model\":\"a\"}");
        assertSameJson(revisions.get(1).parts(), "[{\"type\":\"text\",\"text\":\"hi\"}]");
        assertSameJson(revisions.get(1).metadata(), "{\"model\":\"b\"}");
    }

    @Test
    void theSameJsonInAnotherKeyOrderAndSpacingChangesAndStampsNothing() {
        direct.writer().write(direct.batches().of(aiSdkConversation("u-same", ANSWER_PARTS, 1)));
        Map<String, List<String>> before = Tables.dump(direct.database());

        ConversationEvent[] resync = aiSdkConversation("u-same", ANSWER_PARTS, 10);
        for (ConversationEvent event : resync) {
            MessageUpserted payload = (MessageUpserted) event.getPayload();
            payload.setParts(respelled(payload.getParts()));
            payload.setMetadata(payload.getMetadata() == null ? null : respelled(payload.getMetadata()));
        }
        assertThat(((MessageUpserted) resync[1].getPayload()).getParts()).containsSubsequence("\"output\"", "\"input\"", "\"type\"");
        assertThat(((MessageUpserted) resync[1].getPayload()).getMetadata()).containsSubsequence("\"flags\"", "\"tokens\"", "\"model\"");
        BatchResult result = direct.writer().write(direct.batches().of(resync));

        assertThat(result.unchanged()).isEqualTo(3);
        assertThat(result.inserted() + result.updated()).isZero();
        Map<String, List<String>> after = Tables.dump(direct.database());
        after.remove("kafka_offsets");
        before.remove("kafka_offsets");
        // change stamps, updated_at and revisions included: nothing was written
        assertThat(after).isEqualTo(before);
    }

    @Test
    void twoSpellingsOfOneVersionInOneBatchStoreOnce() {
        BatchResult result = direct.writer().write(direct.batches().of(
                message("u-spell", "c1", "m1", assistant, "x", "[{\"type\":\"text\",\"text\":\"x\",\"state\":\"done\"}]", null, 1),
                message("u-spell", "c1", "m1", assistant, "x", "[ {\"state\": \"done\", \"type\": \"text\", \"text\": \"x\"} ]", null, 2)));

        assertThat(result.inserted()).isEqualTo(1);
        assertThat(result.updated()).isZero();
        assertThat(result.unchanged()).isEqualTo(1);
        assertThat(revisionsOf("u-spell")).isEmpty();
    }

    @Test
    void anEventWrittenWithSchemaVersionOneIsStoredWithoutPartsOrMetadata() {
        String key = "u-v1/c1";
        BatchResult result = direct.writer().write(List.of(
                direct.batches().record(key, SchemaV1Events.message("u-v1", "c1", "m1", user, "from an old producer", TestEvents.ACCEPTED_AT)),
                direct.batches().record(key, SchemaV1Events.message("u-v1", "c1", "m2", assistant, "still read", TestEvents.ACCEPTED_AT.plusSeconds(1)))));

        assertThat(result.deadLettered()).isZero();
        assertThat(result.inserted()).isEqualTo(2);
        assertThat(messagesOf("u-v1")).containsExactly(
                new Stored("m1", "user", "from an old producer", null, null, 1),
                new Stored("m2", "assistant", "still read", null, null, 1));
    }

    @Test
    void jsonTheDatabaseRefusesIsDeadLetteredAndTheRestWritten() {
        BatchResult result = direct.writer().write(direct.batches().of(
                message("u-badjson", "c1", "m1", user, "fine", "[{\"type\":\"text\",\"text\":\"fine\"}]", null, 1),
                message("u-badjson", "c1", "m2", user, "cut", "[{\"type\":\"text\",", null, 2),
                message("u-badjson", "c1", "m3", user, "nul", null, "{\"k\":\"\\u0000\"}", 3),
                message("u-badjson", "c1", "m4", user, "fine too", null, "{}", 4)));

        assertThat(result.deadLettered()).isEqualTo(2);
        assertThat(messagesOf("u-badjson")).extracting(Stored::messageId).containsExactly("m1", "m4");
    }

    /** A question with text, an answer with reasoning, a tool call and sources, and a file the user sent. */
    private static ConversationEvent[] aiSdkConversation(String userId, String answerParts, long second) {
        return new ConversationEvent[] {
                message(userId, "c1", "m1", user, "What's the weather in Berlin?", QUESTION_PARTS, null, second),
                message(userId, "c1", "m2", assistant, "It is 21.5 °C in Berlin.", answerParts, ANSWER_METADATA, second + 1),
                message(userId, "c1", "m3", user, "And here?", FILE_PARTS, null, second + 2)};
    }

    /** The same JSON value spelled differently: every object's keys reversed, pretty-printed. */
    private static String respelled(String json) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(reversed(JSON.readTree(json)));
    }

    private static JsonNode reversed(JsonNode node) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            ObjectNode copy = JSON.createObjectNode();
            for (int i = fields.size() - 1; i >= 0; i--) {
                copy.set(fields.get(i).getKey(), reversed(fields.get(i).getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(reversed(element)));
            return copy;
        }
        return node;
    }

    private static void assertSameJson(String stored, String sent) {
        assertThat(stored).isNotNull();
        assertThat(JSON.readTree(stored)).isEqualTo(JSON.readTree(sent));
    }

    private record Stored(String messageId, String role, String content, String parts, String metadata, int revision) {
    }

    private static List<Stored> messagesOf(String userId) {
        return stored("""
                SELECT m.message_id, m.role, m.content, m.parts::text, m.metadata::text, m.revision
                FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = ? ORDER BY m.seq""", userId);
    }

    private static List<Stored> revisionsOf(String userId) {
        return stored("""
                SELECT r.message_id, r.role, r.content, r.parts::text, r.metadata::text, r.revision
                FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id = ?
                ORDER BY r.message_id, r.revision""", userId);
    }

    private static List<Stored> stored(String sql, String userId) {
        try (Connection connection = direct.database().connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, userId);
            List<Stored> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new Stored(result.getString(1), result.getString(2), result.getString(3), result.getString(4),
                            result.getString(5), result.getInt(6)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
