package dev.chatsync.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.Events;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.testsupport.TestKafka;

/** Every event type through a real broker with the project's serde, keyed by conversation. */
class EventRoundTripIT {

    private final TestKafka kafka = TestKafka.shared();

    @Test
    void everyEventTypeRoundTripsInOrderOnTheConversationsPartition() throws Exception {
        String topic = "roundtrip-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        List<ConversationEvent> sent = List.of(
                Events.conversationUpserted("user_a", "hitesh-conversation", "hitesh", "Kafka basics"),
                Events.messageUpserted("user_a", "hitesh-conversation", "m1", MessageRole.user, "What is a partition?"),
                Events.messageUpserted("user_a", "hitesh-conversation", "m2", MessageRole.assistant, "An ordered log."),
                Events.messageUpserted("user_a", "hitesh-conversation", "m3", MessageRole.system, "Be concise."),
                Events.messageUpserted("user_a", "hitesh-conversation", "m4", MessageRole.tool, "{\"result\":42}"),
                Events.conversationDeleted("user_a", "hitesh-conversation"));

        try (KafkaProducer<String, ConversationEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ConversationEventSerializer())) {
            for (ConversationEvent event : sent) {
                String key = new ConversationKey(event.getUserId(), event.getConversationId()).toString();
                producer.send(new ProducerRecord<>(topic, key, event)).get();
            }
        }

        List<ConsumerRecord<String, ConversationEvent>> received = new ArrayList<>();
        try (KafkaConsumer<String, ConversationEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ConversationEventDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }

        assertThat(received).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(received.get(0).partition());
        assertThat(received).extracting(ConsumerRecord::key).containsOnly("user_a/hitesh-conversation");
    }
}
