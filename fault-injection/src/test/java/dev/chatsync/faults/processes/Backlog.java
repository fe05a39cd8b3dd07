package dev.chatsync.faults.processes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * What Kafka holds that the persisters have not stored yet: the topic's end offsets against the
 * offsets the persisters committed in the database with the rows ({@code kafka_offsets}), the
 * position that counts for exactly-once.
 */
public final class Backlog implements AutoCloseable {

    private static final String STORED = """
            SELECT partition, next_offset FROM kafka_offsets WHERE topic = ?
            """;

    private final Admin admin;
    private final PostgresServer postgres;
    private final String topic;
    private final int partitions;

    Backlog(String bootstrapServers, PostgresServer postgres, String topic, int partitions) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"));
        this.postgres = postgres;
        this.topic = topic;
        this.partitions = partitions;
    }

    /** The topic's end offsets now, or empty while the broker cannot say. */
    public Optional<Map<Integer, Long>> endOffsets() {
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        try {
            return Optional.of(admin.listOffsets(latest).all().get(6, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception brokerAway) {
            return Optional.empty();
        }
    }

    /** The end offsets, waiting while the broker is away. */
    public Map<Integer, Long> awaitEndOffsets(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Map<Integer, Long>> end = endOffsets();
            if (end.isPresent()) {
                return end.get();
            }
            pause();
        }
        throw new IllegalStateException("the broker gave no end offsets within " + timeout);
    }

    /**
     * Waits until the persisters stored everything up to {@code target}; returns how long that took,
     * or empty if they did not within {@code timeout}.
     */
    public Optional<Duration> awaitStored(Map<Integer, Long> target, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (storedUpTo(target)) {
                return Optional.of(Duration.ofNanos(System.nanoTime() - start));
            }
            pause();
        }
        return Optional.empty();
    }

    private boolean storedUpTo(Map<Integer, Long> target) {
        Map<Integer, Long> stored = new HashMap<>();
        try (Connection connection = postgres.connect(); PreparedStatement statement = connection.prepareStatement(STORED)) {
            statement.setString(1, topic);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getInt(1), rows.getLong(2));
                }
            }
        } catch (SQLException databaseAway) {
            return false;
        }
        return target.entrySet().stream().allMatch(end -> stored.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }


    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
