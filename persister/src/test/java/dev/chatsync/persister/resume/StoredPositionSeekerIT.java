package dev.chatsync.persister.resume;

import static dev.chatsync.persister.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.chatsync.persister.KafkaGroups;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEventsProducer;
import dev.chatsync.persister.TestWorkload;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.testsupport.TcpProxy;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A consumer group that lost its committed offsets (deleted, expired, reset to earliest) resumes each
 * partition where kafka_offsets says the database stands, instead of re-reading the retained topic;
 * and when the database cannot say at that moment, it starts from the group's offsets, which is slower
 * but changes nothing.
 */
class StoredPositionSeekerIT {

    private static final String GROUP = "seek";

    enum GroupLoss {
        DELETED, RESET_TO_EARLIEST
    }

    @ParameterizedTest
    @EnumSource(GroupLoss.class)
    void aGroupThatLostItsOffsetsResumesAtTheStoredPositionsAndReadsOnlyNewRecords(GroupLoss loss) {
        String topic = "seek-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 3);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("seek");
        List<ConversationEvent> applied = TestWorkload.events("user_seek_", 2, 6);
        List<ConversationEvent> fresh = newMessages(90);
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            producer.send(applied);
            try (RunningPersister first = RunningPersister.start(database.databaseUrl(), topic, GROUP)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp(GROUP, topic));
            }
            Map<String, List<String>> afterFirstRun = Tables.dump(database);
            switch (loss) {
                case DELETED -> KafkaGroups.delete(GROUP);
                case RESET_TO_EARLIEST -> KafkaGroups.resetToEarliest(GROUP, topic);
            }
            producer.send(fresh);

            try (RunningPersister second = RunningPersister.start(database.databaseUrl(), topic, GROUP,
                    "spring.kafka.consumer.auto-offset-reset=earliest")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp(GROUP, topic));
                MeterRegistry meters = second.bean(MeterRegistry.class);
                // The listener was handed the new records only: none of the applied ones was fetched again.
                assertThat(meters.summary("chatsync.persister.batch.size").totalAmount()).isEqualTo(fresh.size());
                assertThat(meters.counter("chatsync.persister.records", "outcome", "skipped-already-applied").count()).isZero();
                assertThat(meters.counter("chatsync.persister.records", "outcome", "inserted").count()).isEqualTo(fresh.size());
                assertThat(meters.counter("chatsync.persister.assignment.skipped").count()).isEqualTo(applied.size());
                assertThat(second.get("/actuator/prometheus").body()).containsPattern("chatsync_persister_assignment_skipped_total(\\{[^}]*})? " + applied.size() + ".0");
            }
            assertThat(Tables.number(database, "SELECT sum(next_offset) FROM kafka_offsets")).isEqualTo(applied.size() + fresh.size());
            assertThat(Tables.number(database, "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_pk "
                    + "WHERE c.user_id = 'user_seek_new'")).isEqualTo(fresh.size());
            assertThat(Tables.dump(database).get("messages")).containsAll(afterFirstRun.get("messages"));
        }
    }

    @Test
    void withTheDatabaseUnreachableAtAssignmentItStartsFromTheGroupsOffsetsAndSkipsTheAppliedRecordsOneByOne() throws Exception {
        String topic = "seek-fallback-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 3);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("seek_fallback");
        List<ConversationEvent> applied = TestWorkload.events("user_seek_", 2, 6);
        List<ConversationEvent> fresh = newMessages(90);
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic);
             TcpProxy proxy = new TcpProxy(database.host(), database.port())) {
            String viaProxy = "postgresql://" + database.username() + ":" + database.password() + "@localhost:" + proxy.port()
                    + "/" + database.name() + "?sslmode=disable";
            producer.send(applied);
            try (RunningPersister first = RunningPersister.start(viaProxy, topic, "seek-fallback")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("seek-fallback", topic));
            }
            Map<String, List<String>> afterFirstRun = Tables.dump(database);
            KafkaGroups.delete("seek-fallback");
            producer.send(fresh);

            // Started (and migrated) with the database reachable, then cut off before its partitions are assigned.
            try (RunningPersister second = RunningPersister.start(viaProxy, topic, "seek-fallback",
                    "spring.kafka.listener.auto-startup=false")) {
                MeterRegistry meters = second.bean(MeterRegistry.class);
                proxy.cut();
                second.bean(KafkaListenerEndpointRegistry.class).start();
                await().atMost(Duration.ofSeconds(30)).until(() -> meters.counter("chatsync.persister.retries").count() >= 2);
                proxy.restore();
                await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("seek-fallback", topic));
                assertThat(meters.counter("chatsync.persister.assignment.skipped").count()).isZero();
                assertThat(meters.counter("chatsync.persister.records", "outcome", "skipped-already-applied").count()).isEqualTo(applied.size());
                assertThat(meters.counter("chatsync.persister.records", "outcome", "inserted").count()).isEqualTo(fresh.size());
            }
            assertThat(Tables.number(database, "SELECT sum(next_offset) FROM kafka_offsets")).isEqualTo(applied.size() + fresh.size());
            assertThat(Tables.dump(database).get("messages")).containsAll(afterFirstRun.get("messages"));
        }
    }

    /** New messages of one new user, each stored exactly once. */
    private static List<ConversationEvent> newMessages(int count) {
        List<ConversationEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(message("user_seek_new", "after-restart-" + (i % 9), "m" + i, i % 2 == 0 ? MessageRole.user : MessageRole.assistant, "written after the restart " + i, i));
        }
        return events;
    }
}
