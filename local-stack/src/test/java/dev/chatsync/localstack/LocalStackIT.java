package dev.chatsync.localstack;

import static dev.chatsync.localstack.ChatClient.conversation;
import static dev.chatsync.localstack.ChatClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.context.ConfigurableApplicationContext;

import dev.chatsync.database.DatabaseUrl;
import dev.chatsync.ingest.IngestApiApplication;
import tools.jackson.databind.JsonNode;

/**
 * End to end on the one-process local stack: POST → Kafka → persister → Postgres → GET, with the
 * behaviours a chat front end relies on, and README's quick start run as printed.
 */
class LocalStackIT {

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
    void readmeQuickStartRunsAsPrinted() throws IOException, InterruptedException {
        String script = QuickStart.script().replace(QuickStart.DOCUMENTED_API, stack.apiUrl().toString());
        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true).start();
        boolean finished = bash.waitFor(60, TimeUnit.SECONDS);
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(finished).as("quick start finished").isTrue();
        assertThat(bash.exitValue()).as("quick start exit code; output:%n%s", output).isZero();
        assertThat(output).contains("hitesh-conversation", "What is a partition?", "An ordered, append-only log.");
    }

    @Test
    void aPostedConversationReadsBackThreeWays() {
        String token = client.token("e2e_reader");
        assertThat(client.post(token, conversation("kafka-101", "hitesh", List.of(
                message("m1", "user", "What is a consumer group?"),
                message("m2", "assistant", "Consumers sharing the partitions of a topic.")))).status()).isEqualTo(202);
        awaitPersisted();

        JsonNode list = client.get(token, "").json();
        assertThat(list.toString()).contains("kafka-101", "hitesh");
        assertThat(contents(client.get(token, "?personaId=hitesh").json()))
                .containsExactly("What is a consumer group?", "Consumers sharing the partitions of a topic.");
        assertThat(contents(client.get(token, "?conversationId=kafka-101").json()))
                .containsExactly("What is a consumer group?", "Consumers sharing the partitions of a topic.");
    }

    @Test
    void reSyncsNeverDuplicateAndCountUsageOnce() {
        String token = client.token("e2e_resync");
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            messages.add(message("m" + i, i % 2 == 1 ? "user" : "assistant", "message " + i));
        }
        for (int sync = 0; sync < 3; sync++) {
            assertThat(client.post(token, conversation("resync", "piyush", messages)).status()).isEqualTo(202);
        }
        messages.add(message("m4", "user", "message 4"));
        assertThat(client.post(token, conversation("resync", "piyush", messages)).status()).isEqualTo(202);
        awaitPersisted();

        assertThat(contents(client.get(token, "?conversationId=resync").json()))
                .containsExactly("message 1", "message 2", "message 3", "message 4");
        assertThat(client.usage(token).json().get("used").asInt()).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = 'e2e_resync'"))
                .isEqualTo(4);
        assertThat(count("SELECT coalesce(sum(message_count), 0) FROM rate_limits WHERE user_id = 'e2e_resync'")).isEqualTo(3);
    }

    @Test
    void anEditedReplyReplacesTheStoredOneAndKeepsItsRevision() {
        String token = client.token("e2e_editor");
        client.post(token, conversation("streaming", "hitesh", List.of(message("m1", "assistant", "Kafka is a dis"))));
        client.post(token, conversation("streaming", "hitesh", List.of(message("m1", "assistant", "Kafka is a distributed log."))));
        awaitPersisted();

        assertThat(contents(client.get(token, "?conversationId=streaming").json())).containsExactly("Kafka is a distributed log.");
        assertThat(count("""
                SELECT count(*) FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk
                WHERE c.user_id = 'e2e_editor' AND r.content = 'Kafka is a dis'""")).isEqualTo(1);
    }

    @Test
    void aDeletedConversationIsGoneAndItsIdCanStartAgain() {
        String token = client.token("e2e_deleter");
        client.post(token, conversation("doomed", "hitesh", List.of(message("m1", "user", "first life"))));
        assertThat(client.delete(token, "doomed").status()).isEqualTo(202);
        awaitPersisted();
        assertThat(client.get(token, "").body()).doesNotContain("doomed");
        assertThat(count("SELECT count(*) FROM conversations WHERE user_id = 'e2e_deleter'")).isZero();

        client.post(token, conversation("doomed", "hitesh", List.of(message("m2", "user", "second life"))));
        awaitPersisted();
        assertThat(contents(client.get(token, "?conversationId=doomed").json())).containsExactly("second life");
    }

    @Test
    void usersWithTheSameConversationIdNeverSeeEachOther() {
        String alice = client.token("e2e_alice");
        String bob = client.token("e2e_bob");
        client.post(alice, conversation("hitesh-conversation", "hitesh", List.of(message("m1", "user", "alice's secret"))));
        client.post(bob, conversation("hitesh-conversation", "hitesh", List.of(message("m1", "user", "bob's words"))));
        awaitPersisted();
        client.delete(bob, "hitesh-conversation");
        awaitPersisted();

        assertThat(contents(client.get(alice, "?conversationId=hitesh-conversation").json())).containsExactly("alice's secret");
        assertThat(client.get(bob, "").body()).doesNotContain("alice's secret").doesNotContain("hitesh-conversation");
        assertThat(client.get(bob, "?conversationId=hitesh-conversation").body()).doesNotContain("alice's secret");
    }

    @Test
    void aSecondDeviceFollowsTheFirstThroughTheChangesFeed() throws Exception {
        String token = client.token("e2e_devices");
        String start = client.changes(token, "").json().get("nextCursor").asString();
        long polled = System.nanoTime();
        CompletableFuture<ChatClient.Response> longPoll = CompletableFuture.supplyAsync(() -> client.changes(token, "?wait=25&since=" + start));
        client.post(token, conversation("trip", "hitesh", List.of(message("m1", "user", "Plan a trip"), message("m2", "assistant", "Where to?"))));
        ChatClient.Response woken = longPoll.get(30, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - polled)).as("woken by the write, not by its wait bound").isLessThan(Duration.ofSeconds(20));
        assertThat(woken.status()).isEqualTo(200);
        assertThat(woken.body()).contains("\"trip\"", "Plan a trip");

        SecondDevice second = new SecondDevice(client, token);
        second.apply(woken.json());
        // the first device edits a reply, adds a message, deletes a conversation and starts it again
        client.post(token, conversation("trip", "hitesh", List.of(message("m1", "user", "Plan a trip"),
                message("m2", "assistant", "Where to: Goa or Pune?"), message("m3", "user", "Pune"))));
        client.post(token, conversation("other", "piyush", List.of(message("o1", "user", "short-lived"))));
        awaitPersisted();
        assertThat(client.delete(token, "other").status()).isEqualTo(202);
        // a new message id: the ids the delete removed are not stored again (README, "Several devices")
        client.post(token, conversation("other", "piyush", List.of(message("o2", "user", "second life"))));
        client.post(client.token("e2e_stranger"), conversation("trip", "hitesh", List.of(message("m9", "user", "not yours"))));
        awaitPersisted();

        second.catchUp(2);
        Map<String, JsonNode> full = SecondDevice.fullRead(client, token);
        assertThat(full.keySet()).containsExactly("other", "trip");
        assertThat(second.copy()).isEqualTo(full);
        assertThat(second.copy().toString()).doesNotContain("not yours", "short-lived");
    }

    @Test
    void devTokensExistOnlyInTheLocalStack() {
        String token = client.token("e2e_prod");
        // The ingest-api as deployed: same Kafka, Postgres and trusted keys, but without DevTokens.
        int port = LocalStackSettings.freePort();
        try (ConfigurableApplicationContext production = IngestApiApplication.application()
                .sources(PrivateNettyResources.class)
                .bannerMode(Banner.Mode.OFF)
                .run("--server.port=" + port,
                        "--DATABASE_URL=" + stack.databaseUrl(),
                        "--spring.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                        "--chatsync.events.topic=" + stack.settings().topic(),
                        "--spring.flyway.enabled=false",
                        "--chatsync.auth.jwks-url=" + stack.apiUrl().resolve(DevTokens.JWKS_PATH),
                        "--chatsync.auth.issuer=chat-sync-local-stack",
                        "--chatsync.auth.authorized-parties=http://localhost:3000")) {
            ChatClient deployed = new ChatClient(URI.create("http://localhost:" + port));

            assertThat(deployed.get(token, "").status()).as("the token is valid there").isEqualTo(200);
            assertThat(deployed.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/dev/tokens"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"mallory\"}"))).status()).isEqualTo(404);
            assertThat(deployed.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + DevTokens.JWKS_PATH))
                    .header("Authorization", "Bearer " + token).GET()).status()).isEqualTo(404);
        }
    }

    private static void awaitPersisted() {
        assertThat(stack.awaitPersisted(Duration.ofSeconds(30))).as("events not yet persisted").isZero();
    }

    /** The contents of the messages in a GET response, in the order served. */
    private static List<String> contents(JsonNode response) {
        List<String> contents = new ArrayList<>();
        response.findValues("messages").forEach(messages -> messages.forEach(m -> contents.add(m.get("content").asString())));
        return contents;
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
