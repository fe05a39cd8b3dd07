package dev.chatsync.persister;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.serde.ConversationEventCodec;

/** Publishes events the way ingest-api does: keyed by conversation, single-object encoded, acks=all. */
public final class TestEventsProducer implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    public TestEventsProducer(String bootstrapServers, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new ByteArraySerializer());
    }

    public void send(List<ConversationEvent> events) {
        for (ConversationEvent event : events) {
            send(new ConversationKey(event.getUserId(), event.getConversationId()).toString(), ConversationEventCodec.encode(event));
        }
        producer.flush();
    }

    /** Any bytes under any key, for poison records. */
    public void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null) {
                throw new IllegalStateException("cannot publish test event", error);
            }
        });
    }

    public void sendAndWait(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
