package dev.chatsync.persister.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.chatsync.persister.KafkaGroups;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEventsProducer;
import dev.chatsync.persister.TestWorkload;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * A persister that dies mid-stream, its last database commits never followed by a Kafka offset commit,
 * and a successor in the same group: the result equals a clean run, nothing lost, nothing doubled.
 */
class CrashRecoveryIT {

    @Test
    void aSuccessorAfterACrashBetweenDatabaseCommitAndOffsetCommitEndsLikeACleanRun() {
        String topic = "crash-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 3);
        List<ConversationEvent> events = TestWorkload.events("user_crash_", 4, 12);
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            producer.send(events);
        }
        TestPostgres.Database crashed = TestPostgres.shared().newDatabase("crashed");

        // ack-mode manual without anyone acknowledging: every batch commits in the database, none in Kafka,
        // which is a consumer dying between the two on every batch.
        RunningPersister doomed = RunningPersister.start(crashed.databaseUrl(), topic, "crash",
                "spring.kafka.listener.ack-mode=manual", "chatsync.persister.max-batch-size=20");
        await().atMost(Duration.ofSeconds(30)).until(() -> Tables.number(crashed, "SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets") > events.size() / 4);
        // Pull the database away mid-batch (Hikari aborts connections in use), then stop without a word.
        doomed.bean(HikariDataSource.class).close();
        doomed.close();
        long appliedBeforeCrash = Tables.number(crashed, "SELECT sum(next_offset) FROM kafka_offsets");
        assertThat(appliedBeforeCrash).isPositive();
        assertThat(KafkaGroups.caughtUp("crash", topic)).isFalse();

        try (RunningPersister successor = RunningPersister.start(crashed.databaseUrl(), topic, "crash")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("crash", topic));
        }

        TestPostgres.Database clean = TestPostgres.shared().newDatabase("clean");
        try (RunningPersister reference = RunningPersister.start(clean.databaseUrl(), topic, "crash-reference")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("crash-reference", topic));
        }

        assertThat(Tables.number(crashed, "SELECT sum(next_offset) FROM kafka_offsets")).isEqualTo(events.size());
        assertThat(Tables.number(crashed, "SELECT count(*) FROM message_revisions")).isPositive();
        assertThat(Tables.logicalDump(crashed)).isEqualTo(Tables.logicalDump(clean));
    }
}
