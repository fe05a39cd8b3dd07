package dev.chatsync.persister.deadletter;

import static dev.chatsync.persister.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
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
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.chatsync.persister.KafkaGroups;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEventsProducer;
import dev.chatsync.schemas.EventTopics;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records that can never be written go to the dead-letter topic with their reason; the rest is stored.
 * Dead letters are at-least-once: a batch retried after its dead letters were published publishes them
 * again, with the same identity (original topic, partition and offset), so readers can drop repeats.
 */
class DeadLetterIT {

    /**
     * Fails, at commit time (after the dead letters were published), the first transaction that moves the
     * partition past the dead letter at offset 2; such a transaction holds offset 2 whatever the batch
     * boundaries. The sequence counts outside the transaction, which the failure rolls back.
     */
    private static final String FAIL_FIRST_COMMIT_PAST_OFFSET_2 = """
            CREATE SEQUENCE commits_past_offset_2;
            CREATE FUNCTION fail_first_commit_past_offset_2() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.next_offset > 2 THEN
                    IF nextval('commits_past_offset_2') = 1 THEN
                        RAISE EXCEPTION 'the process died between the dead-letter publish and the commit';
                    END IF;
                END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER fail_first_commit_past_offset_2 AFTER UPDATE ON kafka_offsets
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_first_commit_past_offset_2();
            """;

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

    @Test
    void aBatchWhoseCommitFailedAfterItsDeadLetterWasPublishedPublishesItAgainWithTheSameIdentity() throws Exception {
        String topic = "dead-letter-repeat-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 1);
        TestKafka.shared().createTopic(EventTopics.deadLetterOf(topic), 1);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("dead_letter_repeat");
        byte[] garbage = "not avro either".getBytes(StandardCharsets.UTF_8);
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            producer.send(List.of(
                    message("user_r", "c1", "m1", MessageRole.user, "before the dead letter"),
                    message("user_r", "c1", "m2", MessageRole.assistant, "still before")));
            producer.sendAndWait("user_r/c1", garbage); // offset 2
            producer.send(List.of(message("user_r", "c1", "m3", MessageRole.user, "after the dead letter")));
        }

        try (RunningPersister persister = RunningPersister.start(database.databaseUrl(), topic, "dead-letter-repeat",
                "spring.kafka.listener.auto-startup=false")) {
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.execute(FAIL_FIRST_COMMIT_PAST_OFFSET_2);
            }
            persister.bean(KafkaListenerEndpointRegistry.class).start();
            await().atMost(Duration.ofSeconds(30)).until(() -> KafkaGroups.caughtUp("dead-letter-repeat", topic));
            assertThat(persister.bean(MeterRegistry.class).counter("chatsync.persister.retries").count()).isEqualTo(1);
        }

        assertThat(Tables.rows(database, "SELECT message_id FROM messages ORDER BY seq")).containsExactly("m1", "m2", "m3");
        assertThat(Tables.number(database, "SELECT sum(message_count) FROM rate_limits")).isEqualTo(2);
        assertThat(Tables.number(database, "SELECT count(*) FROM message_revisions")).isZero();

        List<ConsumerRecord<String, byte[]>> deadLetters = readAll(EventTopics.deadLetterOf(topic), 3);
        assertThat(deadLetters).hasSize(2);
        ConsumerRecord<String, byte[]> first = deadLetters.get(0);
        ConsumerRecord<String, byte[]> repeat = deadLetters.get(1);
        assertThat(header(repeat, "kafka_dlt-original-topic")).isEqualTo(header(first, "kafka_dlt-original-topic")).isEqualTo(topic);
        assertThat(intHeader(repeat, "kafka_dlt-original-partition", 4)).isEqualTo(intHeader(first, "kafka_dlt-original-partition", 4)).isZero();
        assertThat(intHeader(repeat, "kafka_dlt-original-offset", 8)).isEqualTo(intHeader(first, "kafka_dlt-original-offset", 8)).isEqualTo(2);
        assertThat(repeat.key()).isEqualTo(first.key()).isEqualTo("user_r/c1");
        assertThat(repeat.value()).isEqualTo(first.value()).isEqualTo(garbage);
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
