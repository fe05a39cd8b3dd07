package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.chatsync.events.EventsTopic;
import dev.chatsync.ingest.synctoken.SyncTokenProperties;
import dev.chatsync.ingest.synctoken.SyncTokens;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bad-input corpus: every case must get its 4xx as problem+json naming the field, publish
 * nothing (the topic's end offsets stay put), and leave the service serving.
 */
class BadInputIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NUL = "\u0000";
    // well formed and for user_bad, but signed with another key
    private static final String FORGED = new SyncTokens(new SyncTokenProperties(
            Base64.getEncoder().encodeToString(new byte[32]), Duration.ofSeconds(2), 10), new EventsTopic("chat-sync.events")).issue("user_bad", 0, 0);

    private static ApiWithTopic fixture;
    private static TestJwks jwks;
    private static RunningApi api;
    private static EventsTopicReader events;
    private static WebTestClient http;

    @BeforeAll
    static void start() {
        fixture = ApiWithTopic.start("ingest-bad-input", 1, Map.of());
        jwks = fixture.jwks();
        api = fixture.api();
        events = fixture.events();
        http = api.client();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    record Case(String name, HttpMethod method, String uri, String contentType, byte[] body, boolean chunked,
            int status, String field, String rule, Map<String, String> headers) {

        Case(String name, HttpMethod method, String uri, String contentType, byte[] body, boolean chunked, int status, String field, String rule) {
            this(name, method, uri, contentType, body, chunked, status, field, rule, Map.of());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        // the body as a whole
        cases.add(raw("malformed JSON", "{\"conversationId\": ", "body", "malformed_json"));
        cases.add(raw("not JSON at all", "hello there", "body", "malformed_json"));
        cases.add(raw("empty body", "", "body", "required"));
        cases.add(raw("top-level array", "[]", "body", "type"));
        cases.add(raw("top-level string", "\"sync\"", "body", "type"));
        cases.add(raw("top-level null", "null", "body", "type"));
        cases.add(raw("trailing garbage", "{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[]} {}", "body", "malformed_json"));
        cases.add(raw("duplicate key", "{\"conversationId\":\"c\",\"conversationId\":\"d\",\"personaId\":\"p\",\"messages\":[]}", "body", "malformed_json"));
        cases.add(raw("single quotes", "{'conversationId':'c'}", "body", "malformed_json"));
        // conversationId
        cases.add(body("missing conversationId", b -> b.remove("conversationId"), "conversationId", "required"));
        cases.add(body("null conversationId", b -> b.put("conversationId", null), "conversationId", "required"));
        cases.add(body("numeric conversationId", b -> b.put("conversationId", 42), "conversationId", "type"));
        cases.add(body("empty conversationId", b -> b.put("conversationId", ""), "conversationId", "not_empty"));
        cases.add(body("129-char conversationId", b -> b.put("conversationId", "c".repeat(129)), "conversationId", "max_length"));
        cases.add(body("slash in conversationId", b -> b.put("conversationId", "a/b"), "conversationId", "id_charset"));
        cases.add(body("space in conversationId", b -> b.put("conversationId", "a b"), "conversationId", "id_charset"));
        cases.add(body("NUL in conversationId", b -> b.put("conversationId", "a" + NUL), "conversationId", "id_charset"));
        // personaId
        cases.add(body("missing personaId", b -> b.remove("personaId"), "personaId", "required"));
        cases.add(body("object personaId", b -> b.put("personaId", Map.of("id", "hitesh")), "personaId", "type"));
        cases.add(body("non-ASCII personaId", b -> b.put("personaId", "hétesh"), "personaId", "id_charset"));
        // title
        cases.add(body("numeric title", b -> b.put("title", 7), "title", "type"));
        cases.add(body("257-char title", b -> b.put("title", "t".repeat(257)), "title", "max_length"));
        cases.add(body("NUL in title", b -> b.put("title", "ti" + NUL + "tle"), "title", "no_nul"));
        // messages
        cases.add(body("missing messages", b -> b.remove("messages"), "messages", "required"));
        cases.add(body("messages is an object", b -> b.put("messages", Map.of("id", "m")), "messages", "type"));
        cases.add(body("501 messages", b -> b.put("messages", Bodies.dialogue(501)), "messages", "max_items"));
        cases.add(message("message is a string", 0, null, "messages[0]", "type"));
        cases.add(message("missing message id", 0, m -> m.remove("id"), "messages[0].id", "required"));
        cases.add(message("numeric message id", 1, m -> m.put("id", 1), "messages[1].id", "type"));
        cases.add(message("129-char message id", 0, m -> m.put("id", "m".repeat(129)), "messages[0].id", "max_length"));
        cases.add(message("message id with <script>", 0, m -> m.put("id", "<script>"), "messages[0].id", "id_charset"));
        cases.add(message("duplicate message id", 1, m -> m.put("id", "m0"), "messages[1].id", "unique"));
        cases.add(message("missing role", 0, m -> m.remove("role"), "messages[0].role", "required"));
        cases.add(message("unknown role", 3, m -> m.put("role", "admin"), "messages[3].role", "one_of"));
        cases.add(message("capitalised role", 0, m -> m.put("role", "User"), "messages[0].role", "one_of"));
        cases.add(message("numeric role", 0, m -> m.put("role", 1), "messages[0].role", "type"));
        cases.add(message("missing content", 0, m -> m.remove("content"), "messages[0].content", "required"));
        cases.add(message("empty content", 2, m -> m.put("content", ""), "messages[2].content", "not_empty"));
        cases.add(message("numeric content", 0, m -> m.put("content", 12), "messages[0].content", "type"));
        cases.add(message("array content", 0, m -> m.put("content", List.of("a", "b")), "messages[0].content", "type"));
        cases.add(message("content of 32 KiB + 1", 0, m -> m.put("content", "x".repeat(32 * 1024 + 1)), "messages[0].content", "max_bytes"));
        cases.add(message("content over 32 KiB in UTF-8 only", 0, m -> m.put("content", "€".repeat(11_000)), "messages[0].content", "max_bytes"));
        cases.add(message("NUL in content", 1, m -> m.put("content", "before" + NUL + "after"), "messages[1].content", "no_nul"));
        cases.add(raw("lone surrogate in content",
                "{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"user\",\"content\":\"\\ud800x\"}]}",
                "messages[0].content", "valid_unicode"));
        // parts and metadata
        cases.add(message("parts is an object", 0, m -> m.put("parts", Map.of("type", "text")), "messages[0].parts", "type"));
        cases.add(message("parts is a string", 0, m -> m.put("parts", "text"), "messages[0].parts", "type"));
        cases.add(message("a part is a string", 1, m -> m.put("parts", List.of("hello")), "messages[1].parts[0]", "type"));
        cases.add(message("a part without type", 0, m -> m.put("parts", List.of(Map.of("text", "hi"))), "messages[0].parts[0].type", "required"));
        cases.add(message("a part with a numeric type", 0, m -> m.put("parts", List.of(text("hi"), Map.of("type", 3))),
                "messages[0].parts[1].type", "type"));
        cases.add(message("101 parts", 0, m -> m.put("parts", Collections.nCopies(101, text("x"))), "messages[0].parts", "max_items"));
        cases.add(message("parts over 64 KiB", 0, m -> m.put("parts", List.of(Map.of("type", "tool-x", "output", "o".repeat(64 * 1024)))),
                "messages[0].parts", "max_bytes"));
        cases.add(message("parts and metadata together over 64 KiB", 0, m -> {
            m.put("parts", List.of(Map.of("type", "tool-x", "output", "o".repeat(40 * 1024))));
            m.put("metadata", Map.of("notes", "n".repeat(30 * 1024)));
        }, "messages[0].metadata", "max_bytes"));
        cases.add(message("text parts over the content's 32 KiB", 0, m -> {
            m.remove("content");
            m.put("parts", List.of(text("x".repeat(16 * 1024)), text("y".repeat(16 * 1024 + 1))));
        }, "messages[0].parts", "max_bytes"));
        // the parts array and the part are 2 levels: 31 more make 33
        cases.add(message("parts 33 deep", 0, m -> m.put("parts", List.of(Map.of("type", "x", "deep", nestedLists(31)))),
                "messages[0].parts", "max_depth"));
        cases.add(message("metadata 33 deep", 0, m -> m.put("metadata", nestedMaps(33)), "messages[0].metadata", "max_depth"));
        cases.add(message("metadata is an array", 2, m -> m.put("metadata", List.of(1, 2)), "messages[2].metadata", "type"));
        cases.add(message("metadata is a string", 0, m -> m.put("metadata", "{}"), "messages[0].metadata", "type"));
        cases.add(message("NUL in a part", 0, m -> m.put("parts", List.of(text("before" + NUL + "after"))), "messages[0].parts[0]", "no_nul"));
        cases.add(message("NUL in a part's key", 0, m -> m.put("parts", List.of(Map.of("type", "x", "k" + NUL, 1))), "messages[0].parts[0]", "no_nul"));
        cases.add(message("NUL in metadata", 0, m -> m.put("metadata", Map.of("note", List.of("a" + NUL))), "messages[0].metadata", "no_nul"));
        cases.add(raw("lone surrogate in a part",
                "{\"conversationId\":\"c\",\"personaId\":\"p\",\"messages\":[{\"id\":\"m\",\"role\":\"user\","
                        + "\"parts\":[{\"type\":\"text\",\"text\":\"\\udc00\"}]}]}",
                "messages[0].parts[0]", "valid_unicode"));
        cases.add(message("createdAt not a date", 0, m -> m.put("createdAt", "yesterday"), "messages[0].createdAt", "timestamp"));
        cases.add(message("createdAt boolean", 0, m -> m.put("createdAt", true), "messages[0].createdAt", "type"));
        cases.add(message("createdAt negative", 0, m -> m.put("createdAt", -5), "messages[0].createdAt", "timestamp"));
        // the revision a message was edited from
        cases.add(message("revision 0", 1, m -> m.put("revision", 0), "messages[1].revision", "range"));
        cases.add(message("negative revision", 0, m -> m.put("revision", -3), "messages[0].revision", "range"));
        cases.add(message("revision beyond an int", 0, m -> m.put("revision", 2_147_483_648L), "messages[0].revision", "range"));
        cases.add(message("revision as a string", 2, m -> m.put("revision", "3"), "messages[2].revision", "type"));
        cases.add(message("fractional revision", 0, m -> m.put("revision", 1.5), "messages[0].revision", "type"));
        cases.add(message("revision as an object", 0, m -> m.put("revision", Map.of("revision", 1)), "messages[0].revision", "type"));
        // size and media type
        cases.add(new Case("2 MiB body with Content-Length", HttpMethod.POST, "/api/messages", "application/json",
                json(sync(b -> b.put("title", "x".repeat(2 * 1024 * 1024)))), false, 413, "body", "max_bytes"));
        cases.add(new Case("2 MiB chunked body", HttpMethod.POST, "/api/messages", "application/json",
                json(sync(b -> b.put("title", "x".repeat(2 * 1024 * 1024)))), true, 413, "body", "max_bytes"));
        cases.add(new Case("text/plain body", HttpMethod.POST, "/api/messages", "text/plain",
                json(sync(b -> { })), false, 415, "Content-Type", "media_type"));
        cases.add(new Case("PUT is not a method here", HttpMethod.PUT, "/api/messages", "application/json",
                json(sync(b -> { })), false, 405, "method", "allowed_methods"));
        // query parameters
        cases.add(query("DELETE without conversationId", HttpMethod.DELETE, "/api/messages", "conversationId", "required"));
        cases.add(query("DELETE with empty conversationId", HttpMethod.DELETE, "/api/messages?conversationId=", "conversationId", "not_empty"));
        cases.add(query("DELETE with unsafe conversationId", HttpMethod.DELETE, "/api/messages?conversationId=a%2Fb", "conversationId", "id_charset"));
        cases.add(query("GET with unsafe conversationId", HttpMethod.GET, "/api/messages?conversationId=%3Cx%3E", "conversationId", "id_charset"));
        cases.add(query("GET with both ids", HttpMethod.GET, "/api/messages?conversationId=c&personaId=p", "personaId", "exclusive"));
        cases.add(query("GET with 129-char personaId", HttpMethod.GET, "/api/messages?personaId=" + "p".repeat(129), "personaId", "max_length"));
        cases.add(query("GET with a made-up cursor", HttpMethod.GET, "/api/messages?conversationId=c&cursor=abc", "cursor", "cursor"));
        cases.add(query("GET with a negative cursor", HttpMethod.GET, "/api/messages?conversationId=c&cursor=-1", "cursor", "cursor"));
        cases.add(query("GET with limit 0", HttpMethod.GET, "/api/messages?conversationId=c&limit=0", "limit", "range"));
        cases.add(query("GET with limit above the maximum", HttpMethod.GET, "/api/messages?conversationId=c&limit=999999", "limit", "range"));
        cases.add(query("GET with a non-numeric limit", HttpMethod.GET, "/api/messages?conversationId=c&limit=ten", "limit", "range"));
        // sync tokens, on every read
        cases.add(query("GET with a malformed syncToken", HttpMethod.GET, "/api/messages?syncToken=abc", "syncToken", "sync_token"));
        cases.add(query("GET with an empty syncToken", HttpMethod.GET, "/api/messages?conversationId=c&syncToken=", "syncToken", "sync_token"));
        cases.add(query("GET with a forged syncToken", HttpMethod.GET, "/api/messages?personaId=p&syncToken=" + FORGED, "syncToken", "sync_token"));
        cases.add(query("usage with a forged syncToken", HttpMethod.GET, "/api/usage?syncToken=" + FORGED, "syncToken", "sync_token"));
        cases.add(new Case("GET with a malformed Chat-Sync-Token header", HttpMethod.GET, "/api/messages", null, null, false,
                400, "syncToken", "sync_token", Map.of("Chat-Sync-Token", "not-a-token")));
        cases.add(new Case("GET with a forged Chat-Sync-Token header", HttpMethod.GET, "/api/usage", null, null, false,
                400, "syncToken", "sync_token", Map.of("Chat-Sync-Token", FORGED)));
        // the changes feed and the edit history
        cases.add(query("changes with a made-up cursor", HttpMethod.GET, "/api/changes?since=abc", "since", "cursor"));
        cases.add(query("changes with an empty cursor", HttpMethod.GET, "/api/changes?since=", "since", "cursor"));
        cases.add(query("changes with a cursor that is not base64url", HttpMethod.GET, "/api/changes?since=djEuMS4y%2B%2F", "since", "cursor"));
        cases.add(query("changes with a cursor of another version", HttpMethod.GET, "/api/changes?since=" + base64Url("v2.1.2.3.4"), "since", "cursor"));
        cases.add(query("changes with a cursor missing a part", HttpMethod.GET, "/api/changes?since=" + base64Url("v1.1.2.3"), "since", "cursor"));
        cases.add(query("changes with a negative cursor", HttpMethod.GET, "/api/changes?since=" + base64Url("v1.-1.2.3.4"), "since", "cursor"));
        cases.add(query("changes with a cursor beyond a long", HttpMethod.GET,
                "/api/changes?since=" + base64Url("v1.99999999999999999999.2.3.4"), "since", "cursor"));
        cases.add(query("changes with an overlong cursor", HttpMethod.GET, "/api/changes?since=" + "A".repeat(1000), "since", "cursor"));
        cases.add(query("changes waiting 31 s", HttpMethod.GET, "/api/changes?wait=31", "wait", "range"));
        cases.add(query("changes waiting -1 s", HttpMethod.GET, "/api/changes?wait=-1", "wait", "range"));
        cases.add(query("changes waiting 1.5 s", HttpMethod.GET, "/api/changes?wait=1.5", "wait", "range"));
        cases.add(query("changes waiting ten", HttpMethod.GET, "/api/changes?wait=ten", "wait", "range"));
        cases.add(query("changes with limit 0", HttpMethod.GET, "/api/changes?limit=0", "limit", "range"));
        cases.add(query("changes with limit above the maximum", HttpMethod.GET, "/api/changes?limit=2001", "limit", "range"));
        cases.add(query("revisions without messageId", HttpMethod.GET, "/api/messages/revisions?conversationId=c", "messageId", "required"));
        cases.add(query("revisions without conversationId", HttpMethod.GET, "/api/messages/revisions?messageId=m", "conversationId", "required"));
        cases.add(query("revisions with an unsafe messageId", HttpMethod.GET, "/api/messages/revisions?conversationId=c&messageId=%3Cx%3E",
                "messageId", "id_charset"));
        cases.add(query("revisions with a made-up cursor", HttpMethod.GET, "/api/messages/revisions?conversationId=c&messageId=m&cursor=0",
                "cursor", "cursor"));
        cases.add(query("revisions with limit 0", HttpMethod.GET, "/api/messages/revisions?conversationId=c&messageId=m&limit=0", "limit", "range"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRejectedWithAProblemNamingTheFieldAndPublishesNothing(Case bad) {
        long before = events.endOffsets();

        WebTestClient.RequestBodySpec request = http.method(bad.method()).uri(bad.uri())
                .header("Authorization", "Bearer " + jwks.token("user_bad"));
        bad.headers().forEach(request::header);
        WebTestClient.RequestHeadersSpec<?> withBody = request;
        if (bad.body() != null) {
            request.header("Content-Type", bad.contentType());
            withBody = bad.chunked()
                    ? request.body(Flux.just(bad.body()).map(BadInputIT::buffer), DataBuffer.class)
                    : request.bodyValue(bad.body());
        }
        EntityExchangeResult<Map> result = withBody.exchange()
                .expectStatus().isEqualTo(bad.status())
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult();

        @SuppressWarnings("unchecked")
        Map<String, Object> problem = result.getResponseBody();
        assertThat(problem.get("status")).isEqualTo(bad.status());
        assertThat(problem.keySet()).contains("type", "title", "detail");
        assertThat(problem.toString()).doesNotContain("Exception", "\tat ");
        List<?> errors = (List<?>) problem.get("errors");
        assertThat(errors).as("errors of %s", problem).isNotEmpty();
        assertThat(errors).anySatisfy(error -> {
            assertThat(((Map<?, ?>) error).get("field")).isEqualTo(bad.field());
            assertThat(((Map<?, ?>) error).get("rule")).isEqualTo(bad.rule());
        });
        assertThat(events.endOffsets()).as("end offsets after %s", bad.name()).isEqualTo(before);
    }

    @Test
    void reportsEveryBrokenRuleAtOnce() {
        Map<String, Object> body = sync(b -> { });
        List<Map<String, Object>> messages = Bodies.dialogue(5);
        messages.get(3).put("role", "robot");
        messages.get(4).put("content", "");
        body.put("messages", messages);
        body.put("personaId", "");

        http.post().uri("/api/messages").header("Authorization", "Bearer " + jwks.token("user_bad"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.errors.length()").isEqualTo(3)
                .jsonPath("$.errors[0].field").isEqualTo("personaId")
                .jsonPath("$.errors[1].field").isEqualTo("messages[3].role")
                .jsonPath("$.errors[2].field").isEqualTo("messages[4].content");
    }

    @Test
    @SuppressWarnings("unchecked")
    void unknownFieldsAreIgnoredAndTheServiceKeepsServing() {
        Map<String, Object> body = sync(b -> b.put("clientVersion", "2.1"));
        ((List<Map<String, Object>>) body.get("messages")).get(0).put("tokens", 12);
        long before = events.endOffsets();
        http.post().uri("/api/messages").header("Authorization", "Bearer " + jwks.token("user_bad"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted();
        assertThat(events.endOffsets()).isEqualTo(before + 4);
    }

    @Test
    void anotherUsersSyncTokenIsRefusedAndRevealsNothing() {
        String token = http.post().uri("/api/messages").header("Authorization", "Bearer " + jwks.token("user_writer"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(sync(b -> { })).exchange()
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("syncToken").toString();
        long before = events.endOffsets();

        for (String uri : List.of("/api/messages?conversationId=bad-conv&syncToken=" + token, "/api/usage?syncToken=" + token)) {
            http.get().uri(uri).header("Authorization", "Bearer " + jwks.token("user_bad")).exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader().doesNotExist("Chat-Sync-Consistent")
                    .expectBody()
                    .jsonPath("$.errors.length()").isEqualTo(1)
                    .jsonPath("$.errors[0].field").isEqualTo("syncToken")
                    .jsonPath("$.errors[0].rule").isEqualTo("sync_token")
                    .jsonPath("$.errors[0].message").isEqualTo("not a sync token this service issued to you");
        }
        http.get().uri("/api/messages").header("Authorization", "Bearer " + jwks.token("user_bad")).header("Chat-Sync-Token", token)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("syncToken");
        // the writer's own token is good
        http.get().uri("/api/usage?syncToken=" + token).header("Authorization", "Bearer " + jwks.token("user_writer")).exchange()
                .expectStatus().isOk();
        assertThat(events.endOffsets()).isEqualTo(before);
    }

    private static Map<String, Object> text(String text) {
        return Map.of("type", "text", "text", text);
    }

    private static Object nestedLists(int levels) {
        Object value = "leaf";
        for (int i = 0; i < levels; i++) {
            value = List.of(value);
        }
        return value;
    }

    private static Object nestedMaps(int levels) {
        Object value = "leaf";
        for (int i = 0; i < levels; i++) {
            value = Map.of("k", value);
        }
        return value;
    }

    private static Map<String, Object> sync(Consumer<Map<String, Object>> change) {
        Map<String, Object> body = new LinkedHashMap<>(Bodies.sync("bad-conv", "hitesh", "A title", Bodies.dialogue(4)));
        change.accept(body);
        return body;
    }

    private static Case body(String name, Consumer<Map<String, Object>> change, String field, String rule) {
        return new Case(name, HttpMethod.POST, "/api/messages", "application/json", json(sync(change)), false, 400, field, rule);
    }

    /** A body whose message {@code index} is changed; a null change replaces the message by a string. */
    @SuppressWarnings("unchecked")
    private static Case message(String name, int index, Consumer<Map<String, Object>> change, String field, String rule) {
        Map<String, Object> body = sync(b -> { });
        List<Object> messages = new ArrayList<>((List<Object>) body.get("messages"));
        if (change == null) {
            messages.set(index, "hello");
        } else {
            change.accept((Map<String, Object>) messages.get(index));
        }
        body.put("messages", messages);
        return new Case(name, HttpMethod.POST, "/api/messages", "application/json", json(body), false, 400, field, rule);
    }

    private static Case raw(String name, String body, String field, String rule) {
        return new Case(name, HttpMethod.POST, "/api/messages", "application/json", body.getBytes(StandardCharsets.UTF_8), false, 400, field, rule);
    }

    private static Case query(String name, HttpMethod method, String uri, String field, String rule) {
        return new Case(name, method, uri, null, null, false, 400, field, rule);
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] json(Object value) {
        return JSON.writeValueAsBytes(value);
    }

    private static DataBuffer buffer(byte[] bytes) {
        return DefaultDataBufferFactory.sharedInstance.wrap(bytes);
    }
}
