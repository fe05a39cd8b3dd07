package dev.chatsync.persister.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.chatsync.persister.KafkaGroups;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEventsProducer;
import dev.chatsync.persister.TestWorkload;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * Operators scale by adding instances to the group and removing them; partitions move between them
 * mid-stream (cooperative rebalancing) and the database still ends exactly like a single clean run.
 */
class ScaleOutIT {

    @Test
    void instancesJoiningAndLeavingMidStreamEndLikeOneCleanRun() {
        String topic = "scale-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 4);
        List<ConversationEvent> events = TestWorkload.events("user_scale_", 4, 12);
        int half = events.size() / 2;
        TestPostgres.Database scaled = TestPostgres.shared().newDatabase("scaled");

        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            producer.send(events.subList(0, half));
            RunningPersister first = RunningPersister.start(scaled.databaseUrl(), topic, "scale", "chatsync.persister.max-batch-size=20");
            try (RunningPersister second = RunningPersister.start(scaled.databaseUrl(), topic, "scale", "chatsync.persister.max-batch-size=20")) {
                producer.send(events.subList(half, events.size()));
                await().atMost(Duration.ofSeconds(30)).until(() -> Tables.number(scaled, "SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets") > half);
                first.close();
                await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("scale", topic));
            } finally {
                first.close();
            }
        }

        TestPostgres.Database clean = TestPostgres.shared().newDatabase("scale_reference");
        try (RunningPersister reference = RunningPersister.start(clean.databaseUrl(), topic, "scale-reference")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("scale-reference", topic));
        }
        assertThat(Tables.number(scaled, "SELECT sum(next_offset) FROM kafka_offsets")).isEqualTo(events.size());
        assertThat(Tables.logicalDump(scaled)).isEqualTo(Tables.logicalDump(clean));
    }
}
