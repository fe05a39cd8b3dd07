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
            new IngestLimits(DataSize.ofMegabytes(1), 3, DataSize.ofBytes(10), 8, 5));

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
                new SyncRequest.Message("m1", MessageRole.user, "héllo", Instant.parse("2026-01-31T12:00:00Z")),
                new SyncRequest.Message("m2", MessageRole.assistant, "hey", Instant.ofEpochMilli(1700000000000L)));
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

    private SyncRequest parse(String json) {
        return parser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private List<FieldViolation> violations(String json) {
        Throwable thrown = catchThrowable(() -> parse(json));
        assertThat(thrown).isInstanceOf(ProblemException.class);
        return ((ProblemException) thrown).violations();
    }
}
