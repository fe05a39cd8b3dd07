package dev.chatsync.benchmarks.storm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import dev.chatsync.benchmarks.ingest.KeepAliveClient;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * Watches chat-sync's persister from outside: its position per partition in kafka_offsets (written in
 * the transaction that stores the rows, so an event below it is readable) every {@link #POLL}, and
 * the topic's end offsets, for its lag, every {@link #LAG_EVERY}. Each 202's syncToken says where its
 * last event landed (its layout is SyncTokens'); the write is timed from the 202 until the position
 * passes it. Its own connection, not through the proxy, so it adds no delay to what it times.
 */
final class PipelineWatcher implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(20);
    private static final Duration LAG_EVERY = Duration.ofMillis(500);
    private static final Pattern PUBLISHED = Pattern.compile("\"published\":(\\d+)");
    private static final Pattern SYNC_TOKEN = Pattern.compile("\"syncToken\":\"([A-Za-z0-9_-]+)\"");

    private static final String POSITIONS = """
            SELECT partition, next_offset FROM kafka_offsets WHERE topic = ?
            """;

    /** What the watcher sees, told as it sees it: to a storm run's {@link Measurements}, or to a sweep's step. */
    interface Observer {

        /**
         * A write answered at {@code acceptedNanos} became readable at {@code readableNanos};
         * {@code timed} when it published events (a re-sync of stored messages publishes none).
         */
        void readable(long intendedNanos, long acceptedNanos, long readableNanos, boolean timed);

        /** Events published and not yet stored, as sampled at {@code nanos}. */
        default void lag(long nanos, long events) {
        }
    }

    /** The topic's events, all published and those not yet stored, as sampled at {@code sampledAt}. */
    record Backlog(long published, long behind, long sampledAt) {
    }

    private record Pending(long offset, long acceptedNanos, long intendedNanos, boolean timed) {
    }

    private final String topic;
    private final int partitions;
    private final Observer observer;
    private final Connection connection;
    private final Admin admin;
    private final Map<Integer, PriorityQueue<Pending>> pending = new HashMap<>();
    private final long[] positions;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Backlog backlog = new Backlog(0, 0, 0);

    PipelineWatcher(TestPostgres.Database database, String topic, int partitions, Observer observer) throws SQLException {
        this.topic = topic;
        this.partitions = partitions;
        this.observer = observer;
        this.positions = new long[partitions];
        this.connection = database.connect();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers()));
        for (int p = 0; p < partitions; p++) {
            pending.put(p, new PriorityQueue<>((a, b) -> Long.compare(a.offset, b.offset)));
        }
        this.thread = new Thread(this::run, "pipeline-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A 202, timed until its syncToken's position is stored when it published events: a re-sync of
     * stored messages publishes none, and its token, where they landed earlier, is passed already or soon.
     */
    void accepted(KeepAliveClient.Response response, long acceptedNanos, long intendedNanos) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        Matcher token = SYNC_TOKEN.matcher(body);
        Matcher published = PUBLISHED.matcher(body);
        if (token.find() && published.find()) {
            accepted(token.group(1), acceptedNanos, intendedNanos, Integer.parseInt(published.group(1)) > 0);
        }
    }

    private void accepted(String syncToken, long acceptedNanos, long intendedNanos, boolean timed) {
        ByteBuffer token = ByteBuffer.wrap(Base64.getUrlDecoder().decode(syncToken));
        token.get();
        int partition = token.getInt();
        long offset = token.getLong();
        PriorityQueue<Pending> queue = pending.get(partition);
        synchronized (queue) {
            queue.add(new Pending(offset, acceptedNanos, intendedNanos, timed));
        }
    }

    long lag() {
        return backlog.behind();
    }

    Backlog backlog() {
        return backlog;
    }

    /** Waits until the persister has stored every event of the topic; false when it did not within the timeout. */
    boolean awaitCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // a lag sample taken after this call began, so events published just before it count
        long asked = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Backlog sampled = backlog;
            if (sampled.sampledAt() > asked && sampled.behind() == 0 && nothingPending()) {
                return true;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        return false;
    }

    private boolean nothingPending() {
        for (PriorityQueue<Pending> queue : pending.values()) {
            synchronized (queue) {
                if (!queue.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    private void run() {
        long nextLag = 0;
        while (!closed) {
            try {
                readPositions();
                long now = System.nanoTime();
                resolve(now);
                if (now >= nextLag) {
                    sampleLag(now);
                    nextLag = now + LAG_EVERY.toNanos();
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    System.err.println("pipeline watcher: " + e);
                }
            } catch (InterruptedException e) {
                return;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private void readPositions() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(POSITIONS)) {
            statement.setString(1, topic);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    positions[rows.getInt(1)] = rows.getLong(2);
                }
            }
        }
    }

    private void resolve(long now) {
        for (int p = 0; p < partitions; p++) {
            PriorityQueue<Pending> queue = pending.get(p);
            synchronized (queue) {
                while (!queue.isEmpty() && queue.peek().offset < positions[p]) {
                    Pending write = queue.poll();
                    observer.readable(write.intendedNanos, write.acceptedNanos, now, write.timed);
                }
            }
        }
    }

    private void sampleLag(long now) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long published = 0;
        long behind = 0;
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            for (int p = 0; p < partitions; p++) {
                long end = ends.get(new TopicPartition(topic, p)).offset();
                published += end;
                behind += Math.max(0, end - positions[p]);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the topic's end offsets", e);
        }
        backlog = new Backlog(published, behind, now);
        observer.lag(now, behind);
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5_000);
        admin.close();
        connection.close();
    }
}
