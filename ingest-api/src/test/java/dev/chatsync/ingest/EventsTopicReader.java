package dev.chatsync.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.serde.ConversationEventDeserializer;

/** Reads back what the API published, decoded with the schemas jar as any downstream consumer would. */
final class EventsTopicReader implements AutoCloseable {

    private final KafkaConsumer<String, ConversationEvent> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();

    EventsTopicReader(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ConversationEventDeserializer());
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Sum of end offsets: moves iff anything was published. */
    long endOffsets() {
        return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The records published since the last call (or since creation), waiting for at least {@code expected}. */
    List<ConsumerRecord<String, ConversationEvent>> next(int expected) {
        List<ConsumerRecord<String, ConversationEvent>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        // anything beyond what was expected shows up too: a test expecting 2 must not pass on 3
        consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
