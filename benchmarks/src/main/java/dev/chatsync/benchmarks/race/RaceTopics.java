package dev.chatsync.benchmarks.race;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.chatsync.benchmarks.race.Workload.Resent;
import dev.chatsync.benchmarks.race.Workload.Row;
import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageUpserted;
import dev.chatsync.schemas.serde.ConversationEventCodec;
import dev.chatsync.testsupport.TestKafka;

/**
 * The race's topics: the workload as the persister receives it (the API's Avro events) and as the
 * Debezium sink does (JSON with schemas). Each system gets a topic of its own in every round, which
 * holds the warm-up when its sink starts; the rest of the new messages, then the re-sync, are appended
 * to it once the sink stored what came before, so one sink process, as warm as a running one, serves
 * every phase.
 */
final class RaceTopics {

    /** How a system receives the workload. */
    enum Format {
        AVRO, JSON
    }

    private final Workload workload;
    private final List<Resent> resync;
    private final int partitions;

    RaceTopics(Workload workload, List<Resent> resync, int partitions) {
        this.workload = workload;
        this.resync = resync;
        this.partitions = partitions;
    }

    /**
     * Creates the topics, all before the first is written: a producer writing to a topic created a moment
     * before met partitions without a leader yet, and its retries ended out of sequence.
     */
    void create(List<String> topics) {
        topics.forEach(topic -> TestKafka.shared().createTopic(topic, partitions));
    }

    /** Publishes the new messages {@code from} (inclusive) {@code to} (exclusive) to {@code topic}. */
    void publishNewMessages(String topic, Format format, int from, int to, Progress progress) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, topic, to - from, i -> {
                Row row = workload.newMessage(from + i);
                return encoded(format, row, row.at());
            }, progress);
        }
    }

    /** Appends the re-sync to {@code topic}, behind the new messages. */
    void publishResync(String topic, Format format, Progress progress) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, topic, resync.size(), i -> encoded(format, resync.get(i).row(), resync.get(i).acceptedAt()), progress);
        }
    }

    /** @param acceptedAt when the API accepted it, in ms after {@link Workload#ACCEPTED_AT}; JSON carries the row's own time */
    private static Encoded encoded(Format format, Row row, long acceptedAt) {
        return format == Format.AVRO ? persisterRecord(row, acceptedAt) : DebeziumJson.record(row);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A key and value, and the row that says the partition. */
    record Encoded(Row row, byte[] key, byte[] value) {
    }

    private void send(KafkaProducer<byte[], byte[]> producer, String topic, int count, IntFunction<Encoded> encode, Progress progress) {
        AtomicReference<Exception> failed = new AtomicReference<>();
        for (int i = 0; i < count && failed.get() == null; i++) {
            Encoded record = encode.apply(i);
            producer.send(new ProducerRecord<>(topic, workload.partitionOf(record.row().conversation()), record.key(), record.value()),
                    (metadata, error) -> {
                        if (error != null) {
                            failed.compareAndSet(null, error);
                        }
                    });
            int sent = i + 1;
            progress.maybe(() -> String.format(Locale.ROOT, "  publishing %s: %,d of %,d", topic, sent, count));
        }
        producer.flush();
        if (failed.get() != null) {
            throw new IllegalStateException("cannot publish to " + topic, failed.get());
        }
    }

    private static Encoded persisterRecord(Row row, long acceptedAt) {
        ConversationEvent event = Envelopes.of(row.userId(), row.conversationId(), Workload.ACCEPTED_AT.plusMillis(acceptedAt),
                MessageUpserted.newBuilder()
                        .setPersonaId("hitesh")
                        .setTitle("Conversation " + row.conversation())
                        .setMessageId(row.messageId())
                        .setRole(row.role())
                        .setContent(Workload.content(row.contentSeed()))
                        .setCreatedAt(null)
                        .build());
        byte[] key = new ConversationKey(row.userId(), row.conversationId()).toString().getBytes(StandardCharsets.UTF_8);
        return new Encoded(row, key, ConversationEventCodec.encode(event));
    }
}
