package dev.chatsync.localstack;

import static dev.chatsync.localstack.ChatClient.conversation;
import static dev.chatsync.localstack.ChatClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chatsync.database.DatabaseUrl;

/**
 * Read-your-writes end to end: a GET given the syncToken of its POST's 202 sees that write on its
 * first try, however far the persister is behind (up to the wait's bound); without the token a read
 * right after its write may miss it.
 */
class LocalStackReadYourWritesIT {

    private static final int PAIRS = 200;
    // per user, well inside the default rate limit's burst
    private static final int PAIRS_PER_USER = 10;
    private static final Pattern WAITING = Pattern.compile("(?m)^chatsync_ingest_sync_waiting(?:\\{[^}]*})? (\\S+)$");

    @TempDir
    static Path data;
    static LocalStack stack;
    static ChatClient client;
    static final Map<String, String> sessions = new HashMap<>();

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
    void everyReadGivenItsWritesTokenSeesTheWrite() {
        for (int i = 0; i < PAIRS; i++) {
            String user = token("ryw_with_" + i / PAIRS_PER_USER);
            String syncToken = write(user, "with-" + i, "written " + i);

            ChatClient.Response read = client.get(user, "?conversationId=with-" + i, syncToken);

            assertThat(read.status()).as("read %d: %s", i, read.body()).isEqualTo(200);
            assertThat(read.header("Chat-Sync-Consistent")).as("read %d", i).isEqualTo("true");
            assertThat(read.body()).as("read %d", i).contains("written " + i);
        }
    }

    @Test
    void readsWithoutTheTokenMayMissTheirWrite() {
        int missed = 0;
        for (int i = 0; i < PAIRS; i++) {
            String user = token("ryw_without_" + i / PAIRS_PER_USER);
            write(user, "without-" + i, "written " + i);

            ChatClient.Response read = client.get(user, "?conversationId=without-" + i);

            if (read.status() != 200 || !read.body().contains("written " + i)) {
                missed++;
            }
            assertThat(read.header("Chat-Sync-Consistent")).isEmpty();
        }
        System.out.printf("read-your-writes: %d of %d reads right after their write, without its syncToken, missed it%n", missed, PAIRS);
        assertThat(stack.awaitPersisted(Duration.ofSeconds(30))).isZero();
    }

    @Test
    void aTokenWaitsWhileThePersisterIsPausedAndPassesWhenItResumes() throws Exception {
        String user = token("ryw_paused");
        try (Connection paused = connect()) {
            // The persister locks its kafka_offsets rows first in every batch: with the table locked it
            // stops before writing anything, and its committed offsets stay put.
            paused.setAutoCommit(false);
            try (Statement lock = paused.createStatement()) {
                lock.execute("LOCK TABLE kafka_offsets IN EXCLUSIVE MODE");
            }
            String first = write(user, "paused", "while paused");

            ChatClient.Response timedOut = client.get(user, "", first);
            assertThat(timedOut.status()).isEqualTo(200);
            assertThat(timedOut.header("Chat-Sync-Consistent")).as("the bound passed while paused").isEqualTo("false");
            assertThat(timedOut.body()).doesNotContain("paused");

            double waitingBefore = waiting();
            CompletableFuture<ChatClient.Response> waiting = CompletableFuture.supplyAsync(() -> client.get(user, "?conversationId=paused", first));
            awaitWaiting(waitingBefore + 1);
            assertThat(waiting).isNotDone();

            paused.rollback();

            ChatClient.Response resumed = waiting.get(30, TimeUnit.SECONDS);
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(resumed.header("Chat-Sync-Consistent")).isEqualTo("true");
            assertThat(resumed.body()).contains("while paused");
        }
    }

    /** Posts one message in a conversation of its own; returns the 202's syncToken. */
    private static String write(String user, String conversationId, String content) {
        ChatClient.Response accepted = client.post(user, conversation(conversationId, "hitesh", List.of(message("m1", "user", content))));
        assertThat(accepted.status()).as("POST: %s", accepted.body()).isEqualTo(202);
        return accepted.json().get("syncToken").asString();
    }

    private static String token(String userId) {
        return sessions.computeIfAbsent(userId, client::token);
    }

    /** Reads waiting for their token right now, from the API's metrics. */
    private static double waiting() {
        ChatClient.Response metrics = client.send(HttpRequest.newBuilder(stack.apiUrl().resolve("/actuator/prometheus")).GET());
        Matcher gauge = WAITING.matcher(metrics.body());
        assertThat(gauge.find()).as("the waiting gauge in %s", metrics.body()).isTrue();
        return Double.parseDouble(gauge.group(1));
    }

    private static void awaitWaiting(double count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (waiting() < count) {
            assertThat(System.nanoTime()).as("a read waiting for its token").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static Connection connect() throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(stack.databaseUrl());
        return DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
    }
}
