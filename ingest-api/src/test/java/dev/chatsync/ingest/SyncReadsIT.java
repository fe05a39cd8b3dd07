package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reads of the sync protocol over rows written as the persister writes them: parts and metadata
 * as JSON, revision numbers and conflicts, the edit history, and ETags (304 for an unchanged read, a new tag after
 * a write, and tags that stay right while a transaction below the horizon is still open).
 */
class SyncReadsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An AI SDK UIMessage's parts: reasoning, a tool call with input and output, text, a file, a source. */
    static final String ASSISTANT_PARTS = """
            [{"type": "step-start"},
             {"type": "reasoning", "text": "The user wants the weather.", "providerMetadata": {"openai": {"itemId": "rs_1"}}},
             {"type": "tool-getWeather", "toolCallId": "call_1", "state": "output-available",
              "input": {"city": "Pune"}, "output": {"tempC": 31, "sky": "sunny", "alerts": []}},
             {"type": "text", "text": "It is sunny, 31 \u00b0C. \\"Quoted\\" \\\\ and a tab\\t."},
             {"type": "file", "mediaType": "image/png", "url": "https://example.com/w.png"},
             {"type": "source-url", "sourceId": "src_1", "url": "https://weather.example.com/pune", "title": null}]
            """;
    static final String ASSISTANT_METADATA = """
            {"model": "gpt-5", "usage": {"inputTokens": 12, "outputTokens": 40}, "createdAt": 1767225600000, "ok": true}
            """;

    private static ApiWithTopic fixture;
    private static TestJwks jwks;
    private static RunningApi api;
    private static WebTestClient http;

    @BeforeAll
    static void start() {
        fixture = ApiWithTopic.start("sync-reads", 1, Map.of());
        jwks = fixture.jwks();
        api = fixture.api();
        http = api.client();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void partsAndMetadataAreReadBackAsTheJsonStoredAndPlainMessagesLookAsBefore() throws Exception {
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            long pk = write.conversation("user_parts", "weather", "hitesh", "Tools");
            write.message(pk, "u1", "user", "What's the weather in Pune?", "[{\"type\": \"text\", \"text\": \"What's the weather in Pune?\"}]", null);
            write.message(pk, "a1", "assistant", "It is sunny, 31 °C.", ASSISTANT_PARTS, ASSISTANT_METADATA);
            write.message(pk, "plain", "user", "thanks");
            write.commit();
        }

        for (String uri : List.of("/api/messages?conversationId=weather", "/api/messages?personaId=hitesh")) {
            String body = body("user_parts", uri);
            assertThat(body).as("parts are JSON, not a string holding JSON").contains("\"parts\":[").doesNotContain("\"parts\":\"");
            JsonNode messages = JSON.readTree(body).get("messages");
            assertThat(messages.get(0).get("parts")).isEqualTo(JSON.readTree("[{\"type\":\"text\",\"text\":\"What's the weather in Pune?\"}]"));
            assertThat(messages.get(0).has("metadata")).isFalse();
            assertThat(messages.get(1).get("parts")).isEqualTo(JSON.readTree(ASSISTANT_PARTS));
            assertThat(messages.get(1).get("metadata")).isEqualTo(JSON.readTree(ASSISTANT_METADATA));
            assertThat(messages.get(1).get("revision").asInt()).isEqualTo(1);
            assertThat(JSON.treeToValue(messages.get(2), Map.class).keySet())
                    .as("a plain message has exactly the fields it always had")
                    .containsExactly("id", "role", "content", "revision", "createdAt", "updatedAt");
        }

        // a re-sync with an edited tool output: a new revision, the earlier one kept with its parts
        String edited = ASSISTANT_PARTS.replace("\"tempC\": 31", "\"tempC\": 33");
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            long pk = write.conversation("user_parts", "weather", "hitesh", "Tools");
            write.message(pk, "a1", "assistant", "It is sunny, 33 °C.", edited, ASSISTANT_METADATA);
            write.commit();
        }
        JsonNode messages = JSON.readTree(body("user_parts", "/api/messages?conversationId=weather")).get("messages");
        assertThat(messages.get(1).get("revision").asInt()).isEqualTo(2);
        assertThat(messages.get(1).get("parts")).isEqualTo(JSON.readTree(edited));

        JsonNode history = JSON.readTree(body("user_parts", "/api/messages/revisions?conversationId=weather&messageId=a1"));
        assertThat(history.get("revision").asInt()).isEqualTo(2);
        assertThat(history.get("revisions")).hasSize(1);
        assertThat(history.get("revisions").get(0).get("revision").asInt()).isEqualTo(1);
        assertThat(history.get("revisions").get(0).get("content").asString()).isEqualTo("It is sunny, 31 °C.");
        assertThat(history.get("revisions").get(0).get("parts")).isEqualTo(JSON.readTree(ASSISTANT_PARTS));
        assertThat(history.get("revisions").get(0).get("metadata")).isEqualTo(JSON.readTree(ASSISTANT_METADATA));
    }

    @Test
    void revisionsComeNewestFirstInPages() throws Exception {
        for (int version = 1; version <= 4; version++) {
            try (PersisterWrites write = PersisterWrites.begin(api.database())) {
                long pk = write.conversation("user_history", "streamed", "p", null);
                write.message(pk, "reply", "assistant", "draft " + version);
                write.message(pk, "stable", "user", "never edited");
                write.commit();
            }
        }

        JsonNode first = JSON.readTree(body("user_history", "/api/messages/revisions?conversationId=streamed&messageId=reply&limit=2"));
        assertThat(first.get("conversationId").asString()).isEqualTo("streamed");
        assertThat(first.get("messageId").asString()).isEqualTo("reply");
        assertThat(first.get("revision").asInt()).isEqualTo(4);
        assertThat(contents(first.get("revisions"))).containsExactly("draft 3", "draft 2");
        assertThat(first.get("revisions").get(0).get("revision").asInt()).isEqualTo(3);
        assertThat(first.get("revisions").get(0).has("storedAt")).isTrue();
        assertThat(first.get("revisions").get(0).has("replacedAt")).isTrue();
        assertThat(first.get("revisions").get(0).has("parts")).isFalse();

        JsonNode second = JSON.readTree(body("user_history", "/api/messages/revisions?conversationId=streamed&messageId=reply&limit=2&cursor="
                + first.get("nextCursor").asString()));
        assertThat(contents(second.get("revisions"))).containsExactly("draft 1");
        assertThat(second.get("nextCursor").isNull()).isTrue();

        JsonNode none = JSON.readTree(body("user_history", "/api/messages/revisions?conversationId=streamed&messageId=stable"));
        assertThat(none.get("revision").asInt()).isEqualTo(1);
        assertThat(none.get("revisions")).isEmpty();
    }

    @Test
    void revisionsOfAnotherUsersMessageOrOfAMissingOneAre404() throws Exception {
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            long pk = write.conversation("user_owner", "private", "p", null);
            write.message(pk, "m1", "user", "one");
            write.message(pk, "m1", "user", "two");
            write.commit();
        }
        get("user_intruder", "/api/messages/revisions?conversationId=private&messageId=m1").expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("conversationId").jsonPath("$.errors[0].rule").isEqualTo("not_found")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).doesNotContain("user_owner"));
        get("user_owner", "/api/messages/revisions?conversationId=private&messageId=nope").expectStatus().isNotFound()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("messageId").jsonPath("$.errors[0].rule").isEqualTo("not_found");
        get("user_owner", "/api/messages/revisions?conversationId=private&messageId=m1").expectStatus().isOk()
                .expectBody().jsonPath("$.revisions[0].content").isEqualTo("one");
    }

    @Test
    void aKeptConflictIsCountedByEveryReadAndListedAmongTheRevisions() throws Exception {
        long pk;
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            pk = write.conversation("user_conflicts", "edited", "anirudh", "Two devices");
            write.message(pk, "m1", "user", "version one");
            write.message(pk, "m2", "assistant", "never edited");
            write.commit();
        }
        // device B edits from revision 1: the current version
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.edit(pk, "m1", "user", "version two", 1);
            write.commit();
        }
        List<String> uris = List.of("/api/messages?conversationId=edited", "/api/messages?personaId=anirudh");
        for (String uri : uris) {
            JsonNode messages = JSON.readTree(body("user_conflicts", uri)).get("messages");
            assertThat(messages.get(0).get("revision").asInt()).isEqualTo(2);
            assertThat(messages.get(0).has("conflicts")).as("no conflict yet: the shape clients always got").isFalse();
        }
        List<String> tagged = List.of("/api/messages", "/api/messages?personaId=anirudh", "/api/messages?conversationId=edited",
                "/api/messages/revisions?conversationId=edited&messageId=m1", "/api/messages/revisions?conversationId=edited&messageId=m2");
        Map<String, String> tags = new HashMap<>();
        for (String uri : tagged) {
            tags.put(uri, get("user_conflicts", uri).expectStatus().isOk().expectBody().returnResult().getResponseHeaders().getETag());
        }

        // device A, still at revision 1, edits too: kept as a conflict, the current version stays
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.keepConflict(pk, "m1", "user", "version one, edited on a device that was behind", 1);
            write.commit();
        }
        for (String uri : tagged) {
            EntityExchangeResult<byte[]> after = get("user_conflicts", uri, tags.get(uri)).expectStatus().isOk().expectBody().returnResult();
            assertThat(after.getResponseHeaders().getETag()).as("ETag of %s after a kept conflict", uri).isNotEqualTo(tags.get(uri));
        }
        for (String uri : uris) {
            JsonNode messages = JSON.readTree(body("user_conflicts", uri)).get("messages");
            assertThat(messages.get(0).get("content").asString()).isEqualTo("version two");
            assertThat(messages.get(0).get("revision").asInt()).isEqualTo(2);
            assertThat(messages.get(0).get("conflicts").asInt()).isEqualTo(1);
            assertThat(JSON.treeToValue(messages.get(1), Map.class).keySet())
                    .as("a message without conflicts has no conflicts field")
                    .containsExactly("id", "role", "content", "revision", "createdAt", "updatedAt");
        }

        JsonNode history = JSON.readTree(body("user_conflicts", "/api/messages/revisions?conversationId=edited&messageId=m1"));
        assertThat(history.get("revision").asInt()).isEqualTo(2);
        JsonNode kept = history.get("revisions");
        assertThat(contents(kept)).containsExactly("version one, edited on a device that was behind", "version one");
        assertThat(kept.get(0).get("revision").asInt()).as("numbered in arrival order, above the current one").isEqualTo(3);
        assertThat(kept.get(0).get("conflict").asBoolean()).isTrue();
        assertThat(kept.get(0).get("basedOn").asInt()).isEqualTo(1);
        assertThat(kept.get(1).get("revision").asInt()).isEqualTo(1);
        assertThat(kept.get(1).get("conflict").asBoolean()).isFalse();
        assertThat(kept.get(1).has("basedOn")).as("written without a base").isFalse();

        // an edit of the current revision replaces it; the version it replaced keeps its base
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.edit(pk, "m1", "user", "version three", 2);
            write.commit();
        }
        JsonNode current = JSON.readTree(body("user_conflicts", "/api/messages?conversationId=edited")).get("messages").get(0);
        assertThat(current.get("content").asString()).isEqualTo("version three");
        assertThat(current.get("revision").asInt()).isEqualTo(4);
        assertThat(current.get("conflicts").asInt()).as("the conflict stays counted").isEqualTo(1);
        JsonNode later = JSON.readTree(body("user_conflicts", "/api/messages/revisions?conversationId=edited&messageId=m1&limit=2"));
        assertThat(later.get("revision").asInt()).isEqualTo(4);
        assertThat(contents(later.get("revisions"))).containsExactly("version one, edited on a device that was behind", "version two");
        assertThat(later.get("revisions").get(1).get("conflict").asBoolean()).isFalse();
        assertThat(later.get("revisions").get(1).get("basedOn").asInt()).isEqualTo(1);
        assertThat(later.get("nextCursor").asString()).isEqualTo("2");
    }

    @Test
    void aSecondIdenticalGetIs304AndAWriteMakesTheNextOne200WithANewTag() throws Exception {
        long pk;
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            pk = write.conversation("user_tags", "tagged", "piyush", "ETags");
            write.message(pk, "m1", "user", "first");
            write.message(pk, "m1", "user", "first, edited");
            write.commit();
        }
        setUsage("user_tags", 3);
        List<String> uris = List.of("/api/messages", "/api/messages?limit=7", "/api/messages?personaId=piyush",
                "/api/messages?conversationId=tagged", "/api/messages?conversationId=tagged&limit=1",
                "/api/messages/revisions?conversationId=tagged&messageId=m1", "/api/usage");
        Map<String, String> tags = new HashMap<>();
        for (String uri : uris) {
            EntityExchangeResult<byte[]> first = get("user_tags", uri).expectStatus().isOk().expectBody().returnResult();
            String tag = first.getResponseHeaders().getETag();
            assertThat(tag).as("ETag of %s", uri).startsWith("W/\"");
            assertThat(first.getResponseHeaders().getCacheControl()).as("browsers store no copy").contains("no-store");
            tags.put(uri, tag);
            EntityExchangeResult<byte[]> second = get("user_tags", uri, tag).expectStatus().isNotModified().expectBody().returnResult();
            assertThat(second.getResponseBody()).as("304 of %s", uri).isNullOrEmpty();
            assertThat(second.getResponseHeaders().getETag()).isEqualTo(tag);
        }
        assertThat(tags.values()).as("the limit and the form are part of the tag").doesNotHaveDuplicates();

        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.message(pk, "m1", "user", "first, edited twice");
            write.commit();
        }
        setUsage("user_tags", 4);
        for (String uri : uris) {
            EntityExchangeResult<byte[]> after = get("user_tags", uri, tags.get(uri)).expectStatus().isOk().expectBody().returnResult();
            assertThat(after.getResponseHeaders().getETag()).as("ETag of %s after a write", uri).isNotEqualTo(tags.get(uri));
        }
        assertThat(body("user_tags", "/api/messages?conversationId=tagged")).contains("first, edited twice");
        assertThat(body("user_tags", "/api/usage")).contains("\"used\":4");
    }

    @Test
    void anotherUsersWritesLeaveTheTagAlone() throws Exception {
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.message(write.conversation("user_quiet", "same-id", "p", null), "m1", "user", "hello");
            write.commit();
        }
        String list = get("user_quiet", "/api/messages").expectStatus().isOk().expectBody().returnResult().getResponseHeaders().getETag();
        String one = get("user_quiet", "/api/messages?conversationId=same-id").expectStatus().isOk().expectBody().returnResult()
                .getResponseHeaders().getETag();
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.message(write.conversation("user_noisy", "same-id", "p", null), "m1", "user", "noise");
            write.delete("user_noisy", "same-id");
            write.commit();
        }
        get("user_quiet", "/api/messages", list).expectStatus().isNotModified();
        get("user_quiet", "/api/messages?conversationId=same-id", one).expectStatus().isNotModified();
        // and a tag of one user validates nothing for another
        get("user_noisy", "/api/messages", list).expectStatus().isOk();
    }

    @Test
    void aTagReadWhileALowerTransactionIsOpenChangesOnceItEnds() throws Exception {
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.conversation("user_horizon", "x", "p", "first");
            write.commit();
        }
        String before = get("user_horizon", "/api/messages").expectStatus().isOk().expectBody().returnResult().getResponseHeaders().getETag();

        try (PersisterWrites lower = PersisterWrites.begin(api.database())) {
            long higherXid;
            try (PersisterWrites higher = PersisterWrites.begin(api.database())) {
                higherXid = higher.xid();
                assertThat(higherXid).isGreaterThan(lower.xid());
                higher.conversation("user_horizon", "x", "p", "renamed");
                higher.commit();
            }
            EntityExchangeResult<byte[]> whileOpen = get("user_horizon", "/api/messages", before).expectStatus().isOk().expectBody().returnResult();
            String open = whileOpen.getResponseHeaders().getETag();
            assertThat(open).as("the newest stamp is not below the horizon: the tag carries it").startsWith("W/\"" + higherXid + ".");
            assertThat(new String(whileOpen.getResponseBody())).contains("renamed").doesNotContain("\"y\"");
            get("user_horizon", "/api/messages", open).expectStatus().isNotModified();

            // stamped below the newest stamp: the newest stamp stays, only the horizon moves
            lower.conversation("user_horizon", "y", "p", "committed late");
            lower.commit();
            EntityExchangeResult<byte[]> ended = get("user_horizon", "/api/messages", open).expectStatus().isOk().expectBody().returnResult();
            assertThat(ended.getResponseHeaders().getETag()).isEqualTo(tagOf(higherXid, open));
            assertThat(new String(ended.getResponseBody())).contains("committed late");
        }
    }

    @Test
    void a304IsAnsweredWithoutReadingAMessageRow() throws Exception {
        long pk;
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            pk = write.conversation("user_locked", "locked", "hitesh", null);
            write.message(pk, "m1", "user", "hello");
            write.message(pk, "m1", "user", "hello again");
            write.commit();
        }
        List<String> uris = List.of("/api/messages", "/api/messages?personaId=hitesh", "/api/messages?conversationId=locked",
                "/api/messages/revisions?conversationId=locked&messageId=m1");
        Map<String, String> tags = new HashMap<>();
        for (String uri : uris) {
            tags.put(uri, get("user_locked", uri).expectStatus().isOk().expectBody().returnResult().getResponseHeaders().getETag());
        }
        WebClient client = WebClient.create("http://127.0.0.1:" + api.port());
        try (Connection locker = api.database().connect()) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                // every statement that reads messages or message_revisions now waits for this transaction
                lock.execute("LOCK TABLE messages, message_revisions IN ACCESS EXCLUSIVE MODE");
            }
            for (String uri : uris) {
                get("user_locked", uri, tags.get(uri)).expectStatus().isNotModified();
            }
            CompletableFuture<Integer> full = client.get().uri("/api/messages?conversationId=locked")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token("user_locked"))
                    .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                    .toFuture();
            Thread.sleep(500);
            assertThat(full).as("a 200 reads the messages, which the lock holds back").isNotDone();
            locker.rollback();
            assertThat(full.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        }
    }

    private static List<String> contents(JsonNode revisions) {
        List<String> contents = new ArrayList<>();
        revisions.forEach(revision -> contents.add(revision.get("content").asString()));
        return contents;
    }

    // the same tag, read once the horizon passed the stamp: the version without the horizon
    private static String tagOf(long stamp, String withHorizon) {
        return "W/\"" + stamp + withHorizon.substring(withHorizon.indexOf('-'));
    }

    private static void setUsage(String userId, int count) throws SQLException {
        try (Connection connection = api.database().connect();
             PreparedStatement usage = connection.prepareStatement("""
                     INSERT INTO rate_limits (user_id, day, message_count) VALUES (?, ?, ?)
                     ON CONFLICT (user_id, day) DO UPDATE SET message_count = excluded.message_count""")) {
            usage.setString(1, userId);
            usage.setObject(2, LocalDate.now(ZoneOffset.UTC));
            usage.setInt(3, count);
            usage.executeUpdate();
        }
    }

    private static String body(String userId, String uri) {
        return new String(get(userId, uri).expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private static WebTestClient.ResponseSpec get(String userId, String uri) {
        return http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token(userId)).exchange();
    }

    private static WebTestClient.ResponseSpec get(String userId, String uri, String ifNoneMatch) {
        return http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token(userId))
                .header(HttpHeaders.IF_NONE_MATCH, ifNoneMatch).exchange();
    }
}
