package dev.chatsync.ingest.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.schemas.event.MessageRole;

class SyncRequestParserTest {

    private final SyncRequestParser parser = new SyncRequestParser(
            new IngestLimits(DataSize.ofMegabytes(1), 3, DataSize.ofBytes(10), 8, 5, DataSize.ofKilobytes(64), 100, 32));
    // parts and metadata: at most 3 parts, 4 levels deep, 160 bytes together; content (and text parts) 12 bytes
    private final SyncRequestParser partsParser = new SyncRequestParser(
            new IngestLimits(DataSize.ofMegabytes(1), 3, DataSize.ofBytes(12), 8, 5, DataSize.ofBytes(160), 3, 4));

    @Test
    void parsesAFullRequest() {
        SyncRequest request = parse("""
                {"conversationId":"c-1","personaId":"hitesh","title":"Hi","extra":{"ignored":true},
                 "messages":[{"id":"m1","role":"user","content":"héllo","createdAt":"2026-01-31T12:00:00Z"},
                             {"id":"m2","role":"assistant","content":"hey","createdAt":1700000000000}]}""");
        assertThat(request.conversationId()).isEqualTo("c-1");
        assertThat(request.personaId()).isEqualTo("hitesh");
        assertThat(request.title()).isEqualTo("Hi");
        assertThat(request.messages()).containsExactly(
                new SyncRequest.Message("m1", MessageRole.user, "héllo", Instant.parse("2026-01-31T12:00:00Z"), null, null, null),
                new SyncRequest.Message("m2", MessageRole.assistant, "hey", Instant.ofEpochMilli(1700000000000L), null, null, null));
    }

    @Test
    void titleAndCreatedAtAreOptionalAndMessagesMayBeEmpty() {
        SyncRequest request = parse("{\"conversationId\":\"c\",\"personaId\":\"p\",\"title\":null,\"messages\":[]}");
        assertThat(request.title()).isNull();
        assertThat(request.messages()).isEmpty();
    }

    @Test
    void contentLimitCountsUtf8BytesNotChars() {
        // 5 chars of 2 bytes each: exactly 10 bytes, the limit
        parse("{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"tool\",\"content\":\"ééééé\"}]}");
        assertThat(violations("{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"tool\",\"content\":\"éééééé\"}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].content", "max_bytes"));
        // an emoji is one code point, two chars, four bytes
        parse("{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"tool\",\"content\":\"😀😀\"}]}");
    }

    @Test
    void pairedSurrogatesAreFineLoneOnesAreNot() {
        assertThat(violations("{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"user\",\"content\":\"\\udc00\"}]}"))
                .extracting(FieldViolation::rule).containsExactly("valid_unicode");
    }

    @Test
    void limitsAreThoseConfigured() {
        assertThat(violations("{\"conversationId\":\"c23456789\",\"personaId\":\"p\",\"title\":\"123456\",\"messages\":[{},{},{},{}]}"))
                .extracting(FieldViolation::field).containsExactly("conversationId", "title", "messages");
    }

    @Test
    void everyBrokenRuleOfEveryMessageIsReported() {
        assertThat(violations("""
                {"conversationId":"c","personaId":"p","messages":[
                  {"id":"m1","role":"robot","content":""},
                  {"id":"m1","role":"user","content":"x","createdAt":"soon"}]}"""))
                .extracting(FieldViolation::field)
                .containsExactly("messages[0].role", "messages[0].content", "messages[1].id", "messages[1].createdAt");
    }

    @Test
    void aMessageMayCarryTheRevisionItWasEditedFrom() {
        assertThat(only(parser, "{\"id\":\"m\",\"role\":\"user\",\"content\":\"x\",\"revision\":3}").baseRevision()).isEqualTo(3);
        assertThat(only(parser, "{\"id\":\"m\",\"role\":\"user\",\"content\":\"x\",\"revision\":2147483647}").baseRevision())
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(only(parser, "{\"id\":\"m\",\"role\":\"user\",\"content\":\"x\",\"revision\":null}").baseRevision()).isNull();
        assertThat(only(parser, "{\"id\":\"m\",\"role\":\"user\",\"content\":\"x\"}").baseRevision()).isNull();
    }

    @Test
    void aRevisionIsAPositiveIntegerAndNothingElse() {
        for (String revision : List.of("0", "-1", "2147483648", "99999999999999999999999")) {
            assertThat(violations("{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"user\",\"content\":\"x\","
                    + "\"revision\":" + revision + "}]}"))
                    .as("revision %s", revision)
                    .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].revision", "range"));
        }
        for (String revision : List.of("\"1\"", "1.0", "1.5", "true", "[1]", "{}")) {
            assertThat(violations("{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"user\",\"content\":\"x\","
                    + "\"revision\":" + revision + "}]}"))
                    .as("revision %s", revision)
                    .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].revision", "type"));
        }
        // reported beside the message's other broken rules
        assertThat(violations("{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"robot\",\"content\":\"x\","
                + "\"revision\":0}]}"))
                .extracting(FieldViolation::field).containsExactly("messages[0].role", "messages[0].revision");
    }

    @Test
    void partsAndMetadataAreKeptAsCompactJsonAndPartsAloneGiveTheContent() {
        SyncRequest.Message message = only(partsParser, """
                {"id": "m", "role": "assistant",
                 "parts": [ {"type": "text", "text": "Hi "},
                            {"type": "tool-x", "input": {"q": [1, true, null]}},
                            {"type": "text", "text": "you"} ],
                 "metadata": { "model": "m-1" } }""");

        assertThat(message.parts()).isEqualTo("[{\"type\":\"text\",\"text\":\"Hi \"},{\"type\":\"tool-x\",\"input\":{\"q\":[1,true,null]}},"
                + "{\"type\":\"text\",\"text\":\"you\"}]");
        assertThat(message.metadata()).isEqualTo("{\"model\":\"m-1\"}");
        assertThat(message.content()).isEqualTo("Hi you");
    }

    @Test
    void contentSentBesidePartsIsKeptAndPartsWithoutTextGiveEmptyContent() {
        assertThat(only(partsParser, "{\"id\":\"m\",\"role\":\"user\",\"content\":\"as sent\",\"parts\":[{\"type\":\"text\",\"text\":\"other\"}]}")
                .content()).isEqualTo("as sent");
        SyncRequest.Message toolOnly = only(partsParser, "{\"id\":\"m\",\"role\":\"tool\",\"parts\":[{\"type\":\"tool-x\",\"text\":\"not a text part\"}]}");
        assertThat(toolOnly.content()).isEmpty();
        assertThat(only(partsParser, "{\"id\":\"m\",\"role\":\"tool\",\"content\":null,\"parts\":[]}").content()).isEmpty();
        SyncRequest.Message plain = only(partsParser, "{\"id\":\"m\",\"role\":\"user\",\"content\":\"plain\",\"parts\":null,\"metadata\":null}");
        assertThat(plain.parts()).isNull();
        assertThat(plain.metadata()).isNull();
    }

    @Test
    void numbersInPartsAndMetadataKeepTheirExactValue() {
        SyncRequest.Message message = only(new SyncRequestParser(
                new IngestLimits(DataSize.ofMegabytes(1), 3, DataSize.ofBytes(12), 8, 5, DataSize.ofKilobytes(1), 3, 4)),
                "{\"id\":\"m\",\"role\":\"user\",\"content\":\"c\",\"metadata\":"
                        + "{\"a\":0.1,\"b\":1.50,\"c\":12345678901234567890.123456789,\"d\":-7,\"e\":123456789012345678901234567890}}");

        assertThat(message.metadata()).isEqualTo("{\"a\":0.1,\"b\":1.50,\"c\":12345678901234567890.123456789,\"d\":-7,\"e\":123456789012345678901234567890}");
    }

    @Test
    void neitherContentNorPartsIsAMissingContent() {
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"metadata\":{}}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].content", "required"));
    }

    @Test
    void partsMustBeAnArrayOfObjectsWithAStringType() {
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"parts\":{\"type\":\"text\"}}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].parts", "type"));
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"parts\":[\"text\",{\"text\":\"x\"},{\"type\":7}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(
                        tuple("messages[0].parts[0]", "type"), tuple("messages[0].parts[1].type", "required"), tuple("messages[0].parts[2].type", "type"));
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"content\":\"c\",\"metadata\":[]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].metadata", "type"));
    }

    @Test
    void partsAndMetadataStayWithinTheirLimits() {
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"parts\":[{\"type\":\"a\"},{\"type\":\"b\"},{\"type\":\"c\"},{\"type\":\"d\"}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].parts", "max_items"));
        // parts array, part, object, array: 4 levels is the limit, 5 is over it
        only(partsParser, "{\"id\":\"m\",\"role\":\"user\",\"parts\":[{\"type\":\"x\",\"a\":{\"b\":[1]}}]}");
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"parts\":[{\"type\":\"x\",\"a\":{\"b\":[[1]]}}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].parts", "max_depth"));
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"content\":\"c\",\"metadata\":{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].metadata", "max_depth"));
    }

    @Test
    void partsAndMetadataShareOneByteBudgetAndTextPartsTheContentsBound() {
        String parts = "[{\"type\":\"tool-x\",\"output\":\"" + "o".repeat(100) + "\"}]";
        only(partsParser, "{\"id\":\"m\",\"role\":\"tool\",\"parts\":" + parts + "}");
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"tool\",\"parts\":[{\"type\":\"tool-x\",\"output\":\"" + "o".repeat(150) + "\"}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].parts", "max_bytes"));
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"tool\",\"parts\":" + parts + ",\"metadata\":{\"k\":\"" + "v".repeat(30) + "\"}}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].metadata", "max_bytes"));
        // 13 bytes of text parts: over the content's 12
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"1234567\"},{\"type\":\"text\",\"text\":\"890abc\"}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].parts", "max_bytes"));
    }

    @Test
    void partsAndMetadataHoldOnlyTextJsonbCanStore() {
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"a\\u0000b\"}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].parts[0]", "no_nul"));
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"content\":\"c\",\"metadata\":{\"k\\u0000\":1}}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].metadata", "no_nul"));
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"parts\":[{\"type\":\"x\"},{\"type\":\"x\",\"deep\":[\"\\ud800\"]}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].parts[1]", "valid_unicode"));
        assertThat(partsViolations("{\"id\":\"m\",\"role\":\"user\",\"parts\":[{\"type\":\"te\\u0000xt\"}]}"))
                .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(tuple("messages[0].parts[0]", "no_nul"));
    }

    /** The one message of a request holding {@code message}. */
    private static SyncRequest.Message only(SyncRequestParser parser, String message) {
        SyncRequest request = parser.parse(new ByteArrayInputStream(
                ("{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[" + message + "]}").getBytes(StandardCharsets.UTF_8)));
        assertThat(request.messages()).hasSize(1);
        return request.messages().get(0);
    }

    private List<FieldViolation> partsViolations(String message) {
        Throwable thrown = catchThrowable(() -> only(partsParser, message));
        assertThat(thrown).isInstanceOf(ProblemException.class);
        return ((ProblemException) thrown).violations();
    }

    private SyncRequest parse(String json) {
        return parser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private List<FieldViolation> violations(String json) {
        Throwable thrown = catchThrowable(() -> parse(json));
        assertThat(thrown).isInstanceOf(ProblemException.class);
        return ((ProblemException) thrown).violations();
    }
}
