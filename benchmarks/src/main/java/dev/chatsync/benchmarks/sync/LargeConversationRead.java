package dev.chatsync.benchmarks.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Scenario 1: one conversation of {@code messages} messages read whole ({@code limit} = its size), one
 * request at a time; then the same request with the ETag it answered, which is a 304. Beside them,
 * their references: the statements the API runs for them, straight over JDBC from this JVM.
 */
final class LargeConversationRead {

    private static final String USER = "user_sync_reader";
    private static final String CONVERSATION = "large-conversation";
    private static final int PER_POST = 100;
    private static final int WARM_UP_CLIENTS = 4;

    // The API's statements for this read (ConversationReads: CONVERSATION, then MESSAGES_PAGE).
    private static final String STAMP = """
            SELECT id, conversation_id, persona_id, title, created_at, updated_at, change_xid::text AS stamp,
                   pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
              FROM conversations
             WHERE user_id = ? AND conversation_id = ?
            """;
    private static final String PAGE = """
            SELECT message_id, role, content, parts, metadata, revision, seq, created_at, updated_at
              FROM messages
             WHERE conversation_pk = ? AND seq > ?
             ORDER BY seq
             LIMIT ?
            """;

    private final Pipeline pipeline;
    private final ApiClient client;
    private final int messages;
    private final Duration warmUp;
    private final int reads;
    private final ExecutorService warmUpThreads = Executors.newFixedThreadPool(WARM_UP_CLIENTS);

    LargeConversationRead(Pipeline pipeline, ApiClient client, int messages, Duration warmUp, int reads) {
        this.pipeline = pipeline;
        this.client = client;
        this.messages = messages;
        this.warmUp = warmUp;
        this.reads = reads;
    }

    List<String> run() throws SQLException {
        String token = pipeline.token(USER);
        Progress.say("1/3 large conversation: posting %d messages of ~1 KB (%d per POST)", messages, PER_POST);
        String syncToken = null;
        for (int from = 0; from < messages; from += PER_POST) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(messages, from + PER_POST); i++) {
                batch.add(ChatMessages.message("m" + i, i, 0));
            }
            syncToken = client.post(token, ChatMessages.post(CONVERSATION, batch)).expect(202).json().get("syncToken").asString();
        }
        String path = "/api/messages?conversationId=" + CONVERSATION + "&limit=" + messages;
        ApiClient.Reply first;
        do {
            first = client.get(token, path, "Chat-Sync-Token", syncToken).expect(200);
        } while (!"true".equals(first.header("Chat-Sync-Consistent")));
        int returned = first.json().get("messages").size();
        if (returned != messages) {
            throw new IllegalStateException("the conversation has " + returned + " messages, not " + messages);
        }
        String etag = first.header("ETag");

        Progress.say("1/3 large conversation: GETs of all %d messages (%,d bytes each) from %d clients for %d s to warm up, "
                + "then %d measured one at a time", messages, first.bytes(), WARM_UP_CLIENTS, warmUp.toSeconds(), reads);
        Measured full = timed(WARM_UP_CLIENTS, reads, () -> client.get(token, path).expect(200));
        Progress.say("1/3 large conversation: GET %s", full.describe("200"));
        Measured notModified = timed(WARM_UP_CLIENTS, reads, () -> client.get(token, path, "If-None-Match", etag).expect(304));
        ApiClient.Reply unchanged = client.get(token, path, "If-None-Match", etag).expect(304);
        Progress.say("1/3 large conversation: GET with If-None-Match (304) %s", notModified.describe("304"));

        Measured page;
        Measured stamp;
        try (Connection connection = pipeline.connect()) {
            long pk = conversationPk(connection);
            page = timed(1, reads, () -> query(connection, PAGE, pk, 0L, messages));
            stamp = timed(1, reads, () -> query(connection, STAMP, USER, CONVERSATION));
        }
        warmUpThreads.shutdown();
        Progress.say("1/3 large conversation: the same statements over JDBC: page %s; stamp %s", page.timings(), stamp.timings());
        return List.of(
                String.format(Locale.ROOT, "GET of a %d-message conversation: %s; %,d bytes per response (seed promise < 500 ms, target p99 <= 50 ms)",
                        messages, full.describe("200"), first.bytes()),
                String.format(Locale.ROOT, "  reference, its messages statement over JDBC alone (read and every column fetched): %s", page.timings()),
                String.format(Locale.ROOT, "same GET with If-None-Match, answered 304: %s; %,d bytes per response",
                        notModified.describe("304"), unchanged.bytes()),
                String.format(Locale.ROOT, "  reference, its stamp statement over JDBC alone: %s", stamp.timings()));
    }

    /** Timed requests, what the API's JVM spent on each of them, and the API's metrics before and after them. */
    private record Measured(Timings timings, ApiCpu cpu, Map<String, Double> before, Map<String, Double> after) {

        /** The client's latencies, the API's own for the responses of this status, and its CPU. */
        String describe(String status) {
            ScrapedHistogram inside = ScrapedHistogram.between(before, after, "http_server_requests_seconds",
                    "method=\"GET\"", "status=\"" + status + "\"", "uri=\"/api/messages\"");
            return String.format(Locale.ROOT, "%s; inside the API %s; %s", timings, inside, cpu.per(timings.count(), "request"));
        }
    }

    private long conversationPk(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT id FROM conversations WHERE user_id = ? AND conversation_id = ?")) {
            statement.setString(1, USER);
            statement.setString(2, CONVERSATION);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Runs the statement and reads every column of every row, as the API's row mappers do. */
    private static void query(Connection connection, String sql, Object... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    for (int c = 1; c <= columns; c++) {
                        rows.getString(c);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One request; a failed statement fails the run. */
    interface Request {
        void run();
    }

    /**
     * Requests for the warm-up time from {@code clients} threads at once (on 2 cores the JIT takes many
     * seconds on a path new to it, and a cheap request's path is compiled only after thousands of
     * them), then {@code measured} timed ones, one after the other.
     */
    private Measured timed(int clients, int measured, Request request) {
        long warm = System.nanoTime() + warmUp.toNanos();
        List<CompletableFuture<Void>> warmers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            warmers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < warm) {
                    request.run();
                }
            }, warmUpThreads));
        }
        CompletableFuture.allOf(warmers.toArray(CompletableFuture[]::new)).join();
        Timings timings = new Timings();
        Map<String, Double> before = pipeline.apiMetrics();
        ApiCpu cpuBefore = pipeline.apiCpu();
        for (int i = 0; i < measured; i++) {
            long started = System.nanoTime();
            request.run();
            timings.record(System.nanoTime() - started);
        }
        ApiCpu cpu = pipeline.apiCpu().since(cpuBefore);
        return new Measured(timings, cpu, before, pipeline.apiMetrics());
    }
}
