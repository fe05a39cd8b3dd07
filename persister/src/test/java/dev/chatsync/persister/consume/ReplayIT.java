package dev.chatsync.persister.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * A fresh consumer group over a topic the database has applied in full leaves the database exactly as
 * it was: it starts at the positions kafka_offsets holds and reads nothing again (a replay from offset 0,
 * when those positions cannot be read, is in StoredPositionSeekerIT).
 */
class ReplayIT {

    @Test
    void aFreshGroupStartsAtTheStoredPositionsAndChangesNothing() {
        String topic = "replay-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 3);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("replay");
        List<ConversationEvent> events = TestWorkload.events("user_replay_", 4, 8);
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            producer.send(events);
        }

        Map<String, List<String>> afterFirstRun;
        try (RunningPersister first = RunningPersister.start(database.databaseUrl(), topic, "replay-first", "chatsync.persister.concurrency=3")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("replay-first", topic));
            afterFirstRun = Tables.dump(database);
            String prometheus = first.get("/actuator/prometheus").body();
            assertThat(prometheus).contains("chatsync_persister_batches_total", "chatsync_persister_transaction_seconds",
                    "chatsync_persister_records_total{outcome=\"inserted\"", "kafka_consumer_fetch_manager_records_lag");
            assertThat(first.get("/actuator/health").body()).contains("\"databaseWrites\":{\"status\":\"UP\"");
        }
        assertThat(afterFirstRun.get("messages")).isNotEmpty();
        assertThat(afterFirstRun.get("message_revisions")).isNotEmpty();
        assertThat(Tables.number(database, "SELECT sum(next_offset) FROM kafka_offsets")).isEqualTo(events.size());

        try (RunningPersister replay = RunningPersister.start(database.databaseUrl(), topic, "replay-second")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("replay-second", topic));
            assertThat(replay.get("/actuator/prometheus").body())
                    .containsPattern("chatsync_persister_assignment_skipped_total(\\{[^}]*})? " + events.size() + ".0")
                    .containsPattern("chatsync_persister_records_total\\{[^}]*outcome=\"skipped-already-applied\"[^}]*} 0.0");
        }
        assertThat(Tables.dump(database)).isEqualTo(afterFirstRun);
    }
}
