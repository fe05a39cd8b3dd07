package dev.chatsync.persister.resume;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.stereotype.Component;

import dev.chatsync.persister.metrics.PersisterMetrics;
import dev.chatsync.persister.topics.TopicIds;

/**
 * Starts each newly assigned partition at its position in kafka_offsets when that is ahead of where the
 * group's committed offset (or, without one, auto.offset.reset) put the consumer. Kafka's offsets are
 * committed after the database's, so they lag behind it, and a group that lost them (offsets expired,
 * group deleted or reset to earliest) would otherwise re-read the whole retained topic only for
 * BatchWriter to skip every record. The new positions are committed too, so the group's offsets, and
 * the lag tools read from them, agree with the database before the first batch.
 * <p>
 * The seek saves work and nothing else: when the positions cannot be read (database down or slow,
 * topic id unknown), consumption starts where Kafka says, which is always correct because BatchWriter
 * skips the records kafka_offsets holds as applied.
 */
@Component
public class StoredPositionSeeker implements ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(StoredPositionSeeker.class);

    // Not locked: a batch of the partition's previous owner may still hold the row, and its outcome
    // does not matter here (the committed value is safe, BatchWriter skips whatever that batch applied).
    private static final String STORED_POSITIONS = """
            SELECT a.topic, a.partition, o.next_offset
              FROM unnest(?::uuid[], ?::text[], ?::int4[]) AS a(topic_id, topic, partition)
              JOIN kafka_offsets o ON o.topic_id = a.topic_id AND o.partition = a.partition
            """;

    // The consumer does not poll while this callback runs; a database that cannot answer a primary-key
    // read of a few rows in this time is in trouble, and the batch retries will wait for it anyway.
    // Getting the connection is bounded by the pool's connection-timeout.
    private static final int QUERY_TIMEOUT_SECONDS = 5;

    private final DataSource dataSource;
    private final TopicIds topicIds;
    private final PersisterMetrics metrics;

    StoredPositionSeeker(DataSource dataSource, TopicIds topicIds, PersisterMetrics metrics) {
        this.dataSource = dataSource;
        this.topicIds = topicIds;
        this.metrics = metrics;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return; // cooperative rebalancing calls back on every rebalance, with nothing new most times
        }
        Map<TopicPartition, Long> stored;
        try {
            stored = storedPositions(partitions);
        } catch (SQLException | RuntimeException e) {
            log.warn("partitions assigned: {}; their positions in kafka_offsets are unreadable ({}), so they start at the group's "
                    + "offsets and the records already applied are read and skipped", partitions, e.toString());
            return;
        }
        Map<TopicPartition, Long> resumed = new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        long skipped = 0;
        try {
            for (Map.Entry<TopicPartition, Long> position : stored.entrySet()) {
                long current = consumer.position(position.getKey());
                if (position.getValue() > current) {
                    consumer.seek(position.getKey(), position.getValue());
                    resumed.put(position.getKey(), position.getValue());
                    skipped += position.getValue() - current;
                }
            }
        } catch (TimeoutException e) {
            log.warn("partitions assigned: {}; the consumer's position is unknown ({}), so the partitions not moved yet start at "
                    + "the group's offsets", partitions, e.toString());
        }
        if (resumed.isEmpty()) {
            log.info("partitions assigned: {}", partitions);
            return;
        }
        metrics.skippedOnAssignment(skipped);
        log.info("partitions assigned: {}; resuming {} at their positions in kafka_offsets, {} offsets ahead of the group's",
                partitions, resumed, skipped);
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        resumed.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
        // Asynchronous: a failed commit costs only the same seek again at the next assignment.
        consumer.commitAsync(commit, (offsets, error) -> {
            if (error != null) {
                log.warn("committing the positions resumed from kafka_offsets failed: {}", error.toString());
            }
        });
    }

    // This listener replaces Spring's default one, which logs the rest of a rebalance.
    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            log.info("partitions revoked: {}", partitions);
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        log.info("partitions lost: {}", partitions);
    }

    /** One query for all the partitions; a partition the database never wrote is absent. */
    private Map<TopicPartition, Long> storedPositions(Collection<TopicPartition> partitions) throws SQLException {
        List<TopicPartition> assigned = List.copyOf(partitions);
        UUID[] ids = assigned.stream().map(partition -> topicIds.idOf(partition.topic())).toArray(UUID[]::new);
        Map<TopicPartition, Long> stored = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(STORED_POSITIONS)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setArray(1, connection.createArrayOf("uuid", ids));
            statement.setArray(2, connection.createArrayOf("text", assigned.stream().map(TopicPartition::topic).toArray(String[]::new)));
            statement.setArray(3, connection.createArrayOf("int4", assigned.stream().map(TopicPartition::partition).toArray(Integer[]::new)));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    stored.put(new TopicPartition(rows.getString(1), rows.getInt(2)), rows.getLong(3));
                }
            }
        }
        return stored;
    }
}
