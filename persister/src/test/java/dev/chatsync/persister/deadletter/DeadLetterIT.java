package dev.chatsync.persister.deadletter;

import static dev.chatsync.persister.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.KafkaGroups;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEventsProducer;
import dev.chatsync.schemas.EventTopics;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/** Records that can never be written go to the dead-letter topic with their reason; the rest is stored. */
class DeadLetterIT {

    @Test
    void garbageAndUnstorableTextAreDeadLetteredAndTheRecordsAfterThemPersisted() throws Exception {
        String topic = "dead-letter-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 1);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("dead_letter");
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            producer.send(List.of(message("user_p", "c1", "m1", MessageRole.user, "before the dead letters")));
            producer.sendAndWait("user_p/c1", garbage);
            producer.send(List.of(
                    message("user_p", "c1", "m2", MessageRole.user, "NUL \u0000 cannot be stored"),
                    message("user_p", "c1", "m3", MessageRole.user, "after the dead letters"),
                    message("user_p", "c1", "m4", MessageRole.assistant, "still after")));
        }

        // create-topics: the persister creates the missing dead-letter topic itself
        try (RunningPersister persister = RunningPersister.start(database.databaseUrl(), topic, "dead-letter",
                "chatsync.persister.create-topics=true", "chatsync.persister.partitions=1")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaGroups.caughtUp("dead-letter", topic));
        }

        assertThat(Tables.rows(database, "SELECT message_id FROM messages ORDER BY seq")).containsExactly("m1", "m3", "m4");
        assertThat(Tables.number(database, "SELECT sum(message_count) FROM rate_limits")).isEqualTo(2);

        List<ConsumerRecord<String, byte[]>> deadLetters = readAll(EventTopics.deadLetterOf(topic), 2);
        assertThat(deadLetters).hasSize(2);
        ConsumerRecord<String, byte[]> undecodable = deadLetters.get(0);
        assertThat(undecodable.value()).isEqualTo(garbage);
        assertThat(header(undecodable, "kafka_dlt-exception-fqcn")).isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(header(undecodable, "kafka_dlt-exception-message")).contains("not a decodable ConversationEvent");
        assertThat(header(undecodable, "kafka_dlt-original-topic")).isEqualTo(topic);
        ConsumerRecord<String, byte[]> unstorable = deadLetters.get(1);
        assertThat(header(unstorable, "kafka_dlt-exception-fqcn")).isEqualTo("org.postgresql.util.PSQLException");
        assertThat(unstorable.key()).isEqualTo("user_p/c1");
        assertThat(intHeader(undecodable, "kafka_dlt-original-offset", 8)).isEqualTo(1);
        assertThat(intHeader(unstorable, "kafka_dlt-original-offset", 8)).isEqualTo(2);
        assertThat(intHeader(unstorable, "kafka_dlt-original-partition", 4)).isZero();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long intHeader(ConsumerRecord<?, ?> record, String name, int size) {
        byte[] value = record.headers().lastHeader(name).value();
        assertThat(value).hasSize(size);
        return size == 8 ? java.nio.ByteBuffer.wrap(value).getLong() : java.nio.ByteBuffer.wrap(value).getInt();
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (records.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
