package dev.chatsync.localstack;

import static dev.chatsync.localstack.ChatClient.conversation;
import static dev.chatsync.localstack.ChatClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack as ./run-local.sh runs it, a process of its own, killed with SIGKILL while the persister
 * cannot write: what the API acknowledged is readable after a restart on the same data, because it
 * was in the broker's log on disk, not in Postgres.
 */
class LocalStackCrashIT {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path data;

    @Test
    void anAcknowledgedWriteSurvivesSigkillWhilePostgresCannotBeWritten() throws Exception {
        LocalStackSettings settings = LocalStackSettings.forTests(data);
        String query = "?conversationId=crash";
        Process first = start(settings);
        try (Connection blocker = DriverManager.getConnection(jdbcUrl(settings), "postgres", "postgres")) {
            // the persister's every batch starts by locking its partition's kafka_offsets row
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("LOCK TABLE kafka_offsets IN ACCESS EXCLUSIVE MODE");
            }
            ChatClient client = new ChatClient(URI.create("http://localhost:" + settings.apiPort()));
            String token = client.token("crash_user");
            assertThat(client.post(token, conversation("crash", "hitesh", List.of(message("m1", "user", "acknowledged, then killed")))).status())
                    .isEqualTo(202);
            assertThat(storedMessages(blocker)).as("the persister could not write it").isZero();

            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as("killed by SIGKILL, no shutdown drain").isEqualTo(137);
            blocker.rollback();
        } finally {
            first.destroyForcibly().waitFor();
        }

        Process second = start(settings.again(false));
        try {
            ChatClient client = new ChatClient(URI.create("http://localhost:" + settings.apiPort()));
            String token = client.token("crash_user");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String body = client.get(token, query).body();
            while (!body.contains("acknowledged, then killed") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                body = client.get(token, query).body();
            }
            assertThat(body).contains("acknowledged, then killed");
        } finally {
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("SIGTERM stops the stack").isTrue();
        }
    }

    /** Starts the stack's main in a JVM of its own and waits for its ready banner. */
    private static Process start(LocalStackSettings settings) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                LocalStack.class.getName())
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "PORT", String.valueOf(settings.apiPort()),
                "PERSISTER_PORT", String.valueOf(settings.persisterPort()),
                "LOCAL_POSTGRES_PORT", String.valueOf(settings.postgresPort()),
                "LOCAL_KAFKA_PORT", String.valueOf(settings.kafkaPort()),
                "CHATSYNC_DATA_DIR", settings.dataDirectory().toString(),
                "CHATSYNC_FRESH", String.valueOf(settings.fresh()),
                "EVENTS_PARTITIONS", String.valueOf(settings.partitions()),
                "CHATSYNC_DEMO_DIR", settings.demoDirectory().toString()));
        builder.environment().remove("DATABASE_URL");
        Process process = builder.start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread output = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.contains("local stack is READY")) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new IllegalStateException("the stack exited before it was ready"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "local-stack-output");
        output.setDaemon(true);
        output.start();
        try {
            ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the local stack did not start", e);
        }
        return process;
    }

    private static String jdbcUrl(LocalStackSettings settings) {
        return "jdbc:postgresql://localhost:" + settings.postgresPort() + "/chatsync";
    }

    private static long storedMessages(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.conversation_id = 'crash'")) {
            count.next();
            return count.getLong(1);
        }
    }
}
