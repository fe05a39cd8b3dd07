package dev.chatsync.persister;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the persister consumes and retries ({@code chatsync.persister.*}).
 *
 * @param groupId        Kafka consumer group; instances sharing it split the partitions between them
 * @param concurrency    consumer threads in this instance; more than the partition count sit idle
 * @param maxBatchSize   {@code max.poll.records}: the most records folded into one database transaction
 * @param retry          backoff for transient database failures (retried without limit)
 * @param createTopics   create the events topic and its dead-letter topic if absent (local stacks; production topics are provisioned)
 * @param partitions     partitions of topics created by {@code createTopics}
 * @param pruning        removal of tombstones older than {@code chatsync.changes.tombstone-retention}
 */
@ConfigurationProperties("chatsync.persister")
public record PersisterProperties(
        @DefaultValue("chat-sync-persister") String groupId,
        @DefaultValue("1") int concurrency,
        @DefaultValue("1000") int maxBatchSize,
        @DefaultValue Retry retry,
        @DefaultValue("false") boolean createTopics,
        @DefaultValue("12") int partitions,
        @DefaultValue Pruning pruning) {

    /**
     * @param initialBackoff first pause after a transient failure
     * @param maxBackoff     cap of the doubling pauses; must stay well below {@code max.poll.interval.ms}
     *                       (5 min by default) because the consumer polls only between attempts
     */
    public record Retry(
            @DefaultValue("500ms") Duration initialBackoff,
            @DefaultValue("30s") Duration maxBackoff) {
    }

    /**
     * @param interval  pause between two prunings; the first runs at start-up
     * @param chunkSize tombstones deleted per transaction, which bounds how long their row locks are held
     */
    public record Pruning(
            @DefaultValue("1h") Duration interval,
            @DefaultValue("1000") int chunkSize) {
    }
}
