package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GET /api/changes over rows written as the persister writes them, in several transactions: a
 * device following the feed ends with what a full read shows, kept conflicts included, also when two
 * transactions commit in the opposite order of their ids; long polls wake on a change and time out on none; users never
 * see each other's changes; a cursor older than the kept tombstones is answered 410.
 */
class ChangesFeedIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_WAITERS = 2;
    private static final ParameterizedTypeReference<Map<String, Object>> BODY = new ParameterizedTypeReference<>() { };

    private static ApiWithTopic fixture;
    private static TestJwks jwks;
    private static RunningApi api;
    private static WebTestClient http;

    @BeforeAll
    static void start() {
        // Two waiters at most, so that one test can fill the bound; the others wait one at a time.
        fixture = ApiWithTopic.start("changes-feed", 1, Map.of("chatsync.ingest.long-poll.max-waiters", String.valueOf(MAX_WAITERS)));
        jwks = fixture.jwks();
        api = fixture.api();
        http = api.client();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aDeviceFollowingTheFeedEndsWithWhatAFullReadShows() throws Exception {
        String user = "user_devices";
        FollowingDevice follower = new FollowingDevice(reader(user));
        long a;
        long b;
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            a = write.conversation(user, "a", "hitesh", "First");
            write.message(a, "a1", "user", "hello");
            write.message(a, "a2", "assistant", "It is sunny.", SyncReadsIT.ASSISTANT_PARTS, SyncReadsIT.ASSISTANT_METADATA);
            b = write.conversation(user, "b", "piyush", null);
            write.message(b, "b1", "user", "to be deleted");
            write.message(b, "b2", "assistant", "soon gone");
            write.commit();
        }
        otherUserWrites("a", "b");
        follower.catchUp(2);
        assertThat(follower.pages()).as("small pages split the transaction").isGreaterThan(2);
        assertThat(follower.copy()).isEqualTo(FollowingDevice.fullRead(reader(user)));

        // edits, a new message, a new conversation; then a delete; then the deleted one created again
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.message(a, "a1", "user", "hello, edited");
            write.message(a, "a3", "user", "and one more");
            long c = write.conversation(user, "c", "hitesh", "Third");
            write.message(c, "c1", "user", "c's first");
            write.commit();
        }
        follower.catchUp(3);
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.delete(user, "b");
            write.commit();
        }
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            long again = write.conversation(user, "b", "piyush", "Back again");
            write.message(again, "b1", "user", "a new b1");
            write.commit();
        }
        otherUserWrites("b", "c");

        // two transactions on two connections, committing in the opposite order of their ids (two
        // persister consumers on two partitions): the later id's rows wait until the earlier id ends
        try (PersisterWrites lower = PersisterWrites.begin(api.database())) {
            try (PersisterWrites higher = PersisterWrites.begin(api.database())) {
                long d = higher.conversation(user, "d", "anirudh", "Committed first");
                higher.message(d, "d1", "user", "from the higher id");
                higher.message(a, "a2", "assistant", "It is raining now.", SyncReadsIT.ASSISTANT_PARTS.replace("sunny", "rainy"), null);
                higher.commit();
            }
            follower.catchUp(2);
            assertThat(follower.conversations()).as("not yet: a lower id is still open").doesNotContainKey("d");
            assertThat(follower.conversations()).containsKeys("a", "b", "c");

            long e = lower.conversation(user, "e", "hitesh", "Committed last");
            lower.message(e, "e1", "user", "from the lower id");
            lower.commit();
        }
        // deleted and created again in one transaction: the tombstone sorts first
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.delete(user, "c");
            long c = write.conversation(user, "c", "hitesh", "Third, reborn");
            write.message(c, "c9", "user", "only me");
            write.commit();
        }
        follower.catchUp(2);

        Map<String, Object> full = FollowingDevice.fullRead(reader(user));
        assertThat(full.keySet()).containsExactly("a", "b", "c", "d", "e");
        assertThat(follower.copy()).isEqualTo(full);

        // a second follower from the beginning in one page, and the first one once more: nothing new
        assertThat(new FollowingDevice(reader(user)).catchUp(2000).copy()).isEqualTo(full);
        Map<String, Object> quiet = changes(user, "?since=" + follower.cursor());
        assertThat(quiet).containsEntry("conversations", List.of()).containsEntry("deleted", List.of()).containsEntry("hasMore", false);
    }

    @Test
    void aPageNamesItsConversationsMessagesInOrderAndItsDeletions() throws Exception {
        String user = "user_page";
        String cursor = (String) changes(user, "").get("nextCursor");
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            long gone = write.conversation(user, "gone", "p", null);
            write.message(gone, "g1", "user", "bye");
            write.delete(user, "gone");
            long kept = write.conversation(user, "kept", "p", "Kept");
            write.message(kept, "k1", "user", "one");
            write.message(kept, "k2", "assistant", "two", SyncReadsIT.ASSISTANT_PARTS, SyncReadsIT.ASSISTANT_METADATA);
            write.commit();
        }
        String body = new String(get(user, "/api/changes?since=" + cursor).expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON).expectBody().returnResult().getResponseBody());
        assertThat(body).contains("\"parts\":[");
        Map<String, Object> page = JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
        assertThat(page).containsEntry("hasMore", false);
        assertThat(list(page.get("deleted"))).singleElement().satisfies(deleted ->
                assertThat(deleted).containsEntry("conversationId", "gone").containsKey("deletedAt"));
        List<Map<String, Object>> conversations = list(page.get("conversations"));
        assertThat(conversations).singleElement().satisfies(conversation -> {
            assertThat(conversation).containsEntry("conversationId", "kept").containsEntry("personaId", "p").containsEntry("title", "Kept")
                    .containsKeys("createdAt", "updatedAt");
            List<Map<String, Object>> messages = list(conversation.get("messages"));
            assertThat(messages).extracting(m -> m.get("id")).containsExactly("k1", "k2");
            assertThat(messages.get(0)).doesNotContainKeys("parts", "metadata").containsEntry("revision", 1).containsEntry("content", "one");
            JsonNode parts = JSON.valueToTree(messages.get(1).get("parts"));
            JsonNode metadata = JSON.valueToTree(messages.get(1).get("metadata"));
            assertThat(parts).isEqualTo(JSON.readTree(SyncReadsIT.ASSISTANT_PARTS));
            assertThat(metadata).isEqualTo(JSON.readTree(SyncReadsIT.ASSISTANT_METADATA));
        });
        assertThat(new String(Base64.getUrlDecoder().decode((String) page.get("nextCursor")), StandardCharsets.US_ASCII)).startsWith("v1.");
    }

    @Test
    void aConflictKeptOnAnotherDeviceReachesTheFeedWithTheMessage() throws Exception {
        String user = "user_conflicted";
        long pk;
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            pk = write.conversation(user, "shared", "hitesh", "Edited twice");
            write.message(pk, "m1", "user", "version one");
            write.message(pk, "m2", "assistant", "untouched");
            write.commit();
        }
        FollowingDevice follower = new FollowingDevice(reader(user)).catchUp(100);
        assertThat(follower.copy().toString()).doesNotContain("conflicts");
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.edit(pk, "m1", "user", "version two", 1);
            write.keepConflict(pk, "m1", "user", "version two, from the other device", 1);
            write.commit();
        }

        Map<String, Object> page = changes(user, "?since=" + follower.cursor());
        assertThat(list(page.get("conversations"))).singleElement().satisfies(conversation ->
                assertThat(list(conversation.get("messages"))).as("only the message that changed").singleElement().satisfies(message ->
                        assertThat(message).containsEntry("id", "m1").containsEntry("content", "version two")
                                .containsEntry("revision", 2).containsEntry("conflicts", 1)));
        follower.apply(page);
        assertThat(follower.copy()).isEqualTo(FollowingDevice.fullRead(reader(user)));
    }

    @Test
    void anotherUsersChangesNeverAppear() throws Exception {
        otherUserWrites("mine", "yours");
        Map<String, Object> page = changes("user_alone", "");
        assertThat(page).containsEntry("conversations", List.of()).containsEntry("deleted", List.of()).containsEntry("hasMore", false);
    }

    @Test
    void aLongPollReturnsSoonAfterAChange() throws Exception {
        String user = "user_waiting";
        String cursor = (String) changes(user, "").get("nextCursor");
        long started = System.nanoTime();
        CompletableFuture<Map<String, Object>> poll = async(user, "/api/changes?wait=20&since=" + cursor);
        Thread.sleep(700);
        assertThat(poll).as("an empty page waits").isNotDone();

        otherUserWrites("noise");
        Thread.sleep(400);
        assertThat(poll).as("another user's change wakes nobody else").isNotDone();

        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.message(write.conversation(user, "news", "p", null), "n1", "user", "wake up");
            write.commit();
        }
        long committed = System.nanoTime();
        Map<String, Object> page = poll.get(20, TimeUnit.SECONDS);
        Duration afterCommit = Duration.ofNanos(System.nanoTime() - committed);
        Duration total = Duration.ofNanos(System.nanoTime() - started);

        assertThat(total).as("returned before its wait bound").isLessThan(Duration.ofSeconds(15));
        assertThat(afterCommit).as("returned soon after the change").isLessThan(Duration.ofSeconds(3));
        assertThat(list(page.get("conversations"))).singleElement().satisfies(conversation ->
                assertThat(list(conversation.get("messages"))).extracting(m -> m.get("content")).containsExactly("wake up"));
    }

    @Test
    void aLongPollWithNothingToSayTimesOutWithAnEmptyPage() throws Exception {
        String user = "user_bored";
        String cursor = (String) changes(user, "").get("nextCursor");
        otherUserWrites("elsewhere");
        long started = System.nanoTime();
        Map<String, Object> page = async(user, "/api/changes?wait=2&since=" + cursor).get(20, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(10));
        assertThat(page).containsEntry("conversations", List.of()).containsEntry("deleted", List.of()).containsEntry("hasMore", false);
        assertThat(page.get("nextCursor")).isNotNull();

        String prometheus = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult().getResponseBody();
        assertThat(prometheus).contains("chatsync_ingest_changes_requests_total{wait=\"true\"}", "chatsync_ingest_changes_rows_count",
                "chatsync_ingest_changes_waits_total{outcome=\"timed_out\"}", "chatsync_ingest_changes_waits_total{outcome=\"changed\"}",
                "chatsync_ingest_changes_waiting", "chatsync_ingest_changes_watcher_polls_total");
    }

    @Test
    void beyondTheWaitersBoundALongPollIsAnsweredAtOnce() throws Exception {
        List<String> users = IntStream.rangeClosed(1, MAX_WAITERS).mapToObj(i -> "user_patient_" + i).toList();
        List<CompletableFuture<Map<String, Object>>> waiting = new ArrayList<>();
        for (String user : users) {
            waiting.add(async(user, "/api/changes?wait=25&since=" + changes(user, "").get("nextCursor")));
        }
        Thread.sleep(700);
        assertThat(waiting).as("the bound's worth of long polls wait").noneMatch(CompletableFuture::isDone);

        long started = System.nanoTime();
        Map<String, Object> turnedAway = async("user_turned_away", "/api/changes?wait=25").get(20, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(turnedAway).containsEntry("conversations", List.of()).containsEntry("hasMore", false);

        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            for (String user : users) {
                write.conversation(user, "release", "p", null);
            }
            write.commit();
        }
        for (CompletableFuture<Map<String, Object>> poll : waiting) {
            assertThat(list(poll.get(20, TimeUnit.SECONDS).get("conversations"))).hasSize(1);
        }
    }

    @Test
    void aCursorOlderThanTheRetentionIs410() {
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("v1.1.0.0." + Instant.now().minus(Duration.ofDays(31)).getEpochSecond()).getBytes(StandardCharsets.US_ASCII));
        expectGone(get("user_away", "/api/changes?since=" + cursor));
    }

    @Test
    void aCursorThatMayHaveMissedAPrunedTombstoneIs410() throws Exception {
        String user = "user_pruned";
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.conversation(user, "short-lived", "p", null);
            write.commit();
        }
        FollowingDevice away = new FollowingDevice(reader(user)).catchUp(100);
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.delete(user, "short-lived");
            write.commit();
        }
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            write.pruneTombstones(user);
            write.commit();
        }
        expectGone(get(user, "/api/changes?since=" + away.cursor()));

        // a full reload is the feed from the beginning, and its cursor is good again
        FollowingDevice reloaded = new FollowingDevice(reader(user)).catchUp(100);
        assertThat(reloaded.conversations()).isEmpty();
        get(user, "/api/changes?since=" + reloaded.cursor()).expectStatus().isOk();
    }

    @Test
    void theNewRoutesAreInTheOpenApiDocument() {
        http.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/api/changes'].get.parameters[?(@.name == 'wait')]").exists()
                .jsonPath("$.paths['/api/changes'].get.parameters[?(@.name == 'since')]").exists()
                .jsonPath("$.paths['/api/messages/revisions'].get.parameters[?(@.name == 'messageId')]").exists()
                .jsonPath("$.components.schemas.FeedMessage.properties.conflicts.minimum").isEqualTo(1)
                .jsonPath("$.paths['/api/messages/revisions'].get.responses['200'].content['application/json'].schema['$ref']")
                .isEqualTo("#/components/schemas/RevisionPage")
                .jsonPath("$.components.schemas.RevisionView.properties.conflict.type").isEqualTo("boolean")
                .jsonPath("$.components.schemas.RevisionView.properties.basedOn.type").isEqualTo("integer")
                .jsonPath("$.components.schemas.MessageBody.properties.revision.minimum").isEqualTo(1)
                .jsonPath("$.components.schemas.MessageBody.properties.revision.maximum").isEqualTo(Integer.MAX_VALUE);
    }

    private static void expectGone(WebTestClient.ResponseSpec response) {
        response.expectStatus().isEqualTo(410)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(410)
                .jsonPath("$.errors[0].field").isEqualTo("since")
                .jsonPath("$.errors[0].rule").isEqualTo("expired");
    }

    /** Another user writes (and deletes) conversations with the given ids, in a transaction of their own. */
    private static void otherUserWrites(String... conversationIds) throws Exception {
        try (PersisterWrites write = PersisterWrites.begin(api.database())) {
            for (String id : conversationIds) {
                long pk = write.conversation("user_other", id, "hitesh", "Not yours");
                write.message(pk, id + "-secret", "user", "the other user's");
            }
            write.delete("user_other", conversationIds[0]);
            write.commit();
        }
    }

    private static Function<String, Map<String, Object>> reader(String userId) {
        return uri -> get(userId, uri).expectStatus().isOk().expectBody(BODY).returnResult().getResponseBody();
    }

    private static Map<String, Object> changes(String userId, String query) {
        return reader(userId).apply("/api/changes" + query);
    }

    private static WebTestClient.ResponseSpec get(String userId, String uri) {
        return http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token(userId)).exchange();
    }

    private static CompletableFuture<Map<String, Object>> async(String userId, String uri) {
        return WebClient.create("http://127.0.0.1:" + api.port()).get().uri(uri)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token(userId))
                .retrieve().bodyToMono(BODY).toFuture();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
