package dev.chatsync.benchmarks.race;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * The race's four topics, filled once before the first timed phase: the workload as the persister
 * receives it (the API's Avro events) and as the Debezium sink does (JSON with schemas), new messages
 * and re-sync each in a topic of its own, so that every phase of every round reads from offset 0.
 */
final class RaceTopics {

    final String persisterNew = "race-persister-new";
    final String persisterResync = "race-persister-resync";
    final String sinkNew = "race-debezium-new";
    final String sinkResync = "race-debezium-resync";

    private final Workload workload;
    private final List<Resent> resync;
    private final int partitions;

    RaceTopics(Workload workload, List<Resent> resync, int partitions) {
        this.workload = workload;
        this.resync = resync;
        this.partitions = partitions;
    }

    void fill(Progress progress) {
        for (String topic : List.of(persisterNew, persisterResync, sinkNew, sinkResync)) {
            TestKafka.shared().createTopic(topic, partitions);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
            int messages = workload.newMessages();
            send(producer, persisterNew, messages, i -> persisterRecord(workload.newMessage(i), workload.newMessage(i).at()), progress);
            send(producer, persisterResync, resync.size(), i -> persisterRecord(resync.get(i).row(), resync.get(i).acceptedAt()), progress);
            send(producer, sinkNew, messages, i -> DebeziumJson.record(workload.newMessage(i)), progress);
            send(producer, sinkResync, resync.size(), i -> DebeziumJson.record(resync.get(i).row()), progress);
        }
    }

    /** A key and value, and the row that says the partition. */
    record Encoded(Row row, byte[] key, byte[] value) {
    }

    private void send(KafkaProducer<byte[], byte[]> producer, String topic, int count, IntFunction<Encoded> encode, Progress progress) {
        for (int i = 0; i < count; i++) {
            Encoded record = encode.apply(i);
            producer.send(new ProducerRecord<>(topic, workload.partitionOf(record.row().conversation()), record.key(), record.value()),
                    (metadata, error) -> {
                        if (error != null) {
                            throw new IllegalStateException("cannot publish to " + topic, error);
                        }
                    });
            int sent = i + 1;
            progress.maybe(() -> String.format(Locale.ROOT, "  publishing %s: %,d of %,d", topic, sent, count));
        }
        producer.flush();
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
