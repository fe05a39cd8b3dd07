package dev.chatsync.ingest.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

import dev.chatsync.ingest.problem.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StreamedDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, JsonNode> properties = new LinkedHashMap<>();
    private final Map<String, JsonNode> conversations = new LinkedHashMap<>();
    private final List<Integer> indexes = new ArrayList<>();

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 1 << 20})
    void anExportsConversationsArriveOneByOneWhateverTheChunksAndItsOtherPropertiesAsValues(int chunk) {
        String document = """
                {"format":"chat-sync.export","version":1,"exportedAt":"2026-01-01T00:00:00Z",
                 "conversations":[{"conversationId":"c1","score":1.50,"big":12345678901234567890},{"nested":[1,{"deep":[null,true,"ü"]}]}],
                 "later":{"x":[]}}""";

        StreamedDocument streamed = feed(document, chunk, Long.MAX_VALUE);

        assertThat(streamed.form()).isEqualTo(StreamedDocument.Form.CHAT_SYNC_EXPORT);
        assertThat(streamed.hadConversations()).isTrue();
        assertThat(properties.keySet()).containsExactly("format", "version", "exportedAt", "later");
        assertThat(properties.get("later")).isEqualTo(JSON.readTree("{\"x\":[]}"));
        assertThat(conversations.keySet()).containsExactly("$.conversations[0]", "$.conversations[1]");
        assertThat(indexes).containsExactly(0, 1);
        assertThat(conversations.get("$.conversations[1]")).isEqualTo(JSON.readTree("{\"nested\":[1,{\"deep\":[null,true,\"ü\"]}]}"));
        JsonNode first = conversations.get("$.conversations[0]");
        // exact, as jsonb stores it: not a double, trailing zero kept
        assertThat(first.get("score").decimalValue().toPlainString()).isEqualTo("1.50");
        assertThat(first.get("big").bigIntegerValue().toString()).isEqualTo("12345678901234567890");
    }

    @Test
    void chatGptsArrayIsSplitIntoItsElements() {
        StreamedDocument streamed = feed("[{\"id\":\"a\"}, {\"id\":\"b\"}, 7]", 2, Long.MAX_VALUE);

        assertThat(streamed.form()).isEqualTo(StreamedDocument.Form.CHATGPT);
        assertThat(conversations.keySet()).containsExactly("$[0]", "$[1]", "$[2]");
        assertThat(conversations.get("$[2]").intValue()).isEqualTo(7);
        assertThat(properties).isEmpty();
    }

    @Test
    void malformedJsonIsNamedByWhereTheParserWas() {
        assertProblem("{\"conversations\":[{\"conversationId\":\"c1\"},{\"title\": }]}", "$.conversations[1].title", "malformed_json");
        assertProblem("[{\"id\":\"a\",\"id\":\"b\"}]", "$[0].id", "malformed_json");
        assertProblem("[{\"id\":\"a\"}", "$[0]", "malformed_json");
    }

    @Test
    void whereTheBodyIsCutNeverMakesAMissingValueOrATrailingCommaValid() {
        for (int chunk = 1; chunk <= 12; chunk++) {
            for (String document : List.of("[{\"title\": }]", "[{\"title\":\"a\" , }]", "[{\"a\":\n\t}]")) {
                int size = chunk;
                assertThatThrownBy(() -> feed(document, size, Long.MAX_VALUE)).as("%s in chunks of %d", document, size)
                        .isInstanceOfSatisfying(ProblemException.class,
                                problem -> assertThat(problem.violations().get(0).rule()).isEqualTo("malformed_json"));
            }
        }
    }

    @Test
    void onlyOneDocumentOfEitherFormIsRead() {
        assertProblem("[] []", "$", "single_document");
        assertProblem("\"conversations\"", "$", "type");
        assertProblem("   ", "$", "required");
    }

    @Test
    void aDocumentLargerThanTheBoundIsRefusedWhileItArrives() {
        assertThatThrownBy(() -> feed("[" + "{}, ".repeat(100) + "{}]", 16, 64))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
        assertThat(conversations).hasSizeLessThan(30);
    }

    private void assertProblem(String document, String path, String rule) {
        assertThatThrownBy(() -> feed(document, 1, Long.MAX_VALUE))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(problem.violations().get(0).field()).isEqualTo(path);
                    assertThat(problem.violations().get(0).rule()).isEqualTo(rule);
                });
    }

    private StreamedDocument feed(String document, int chunk, long maxBytes) {
        StreamedDocument streamed = new StreamedDocument(maxBytes, new StreamedDocument.Listener() {
            @Override
            public void property(String name, JsonNode value) {
                properties.put(name, value);
            }

            @Override
            public void conversation(int index, String path, JsonNode conversation) {
                indexes.add(index);
                conversations.put(path, conversation);
            }
        });
        byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            byte[] piece = new byte[Math.min(chunk, bytes.length - i)];
            System.arraycopy(bytes, i, piece, 0, piece.length);
            streamed.feed(piece);
        }
        streamed.end();
        return streamed;
    }
}
