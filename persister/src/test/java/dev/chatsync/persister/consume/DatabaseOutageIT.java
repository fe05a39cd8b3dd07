package dev.chatsync.persister.consume;

import static dev.chatsync.persister.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

import dev.chatsync.persister.KafkaGroups;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.testsupport.TcpProxy;
import dev.chatsync.persister.TestEventsProducer;
import dev.chatsync.persister.health.DatabaseWriteHealth;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;

/** Postgres unreachable for several seconds mid-stream: consumption pauses, then every event lands once. */
class DatabaseOutageIT {

    @Test
    void eventsConsumedDuringAnOutageLandExactlyOnceWhenTheDatabaseIsBack() throws Exception {
        String topic = "outage-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 2);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("outage");
        String viaProxy;
        try (TcpProxy proxy = new TcpProxy(database.host(), database.port());
             TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic);
             RunningPersister persister = RunningPersister.start(
                     "postgresql://" + database.username() + ":" + database.password() + "@localhost:" + proxy.port() + "/" + database.name() + "?sslmode=disable",
                     topic, "outage")) {
            DatabaseWriteHealth health = persister.bean(DatabaseWriteHealth.class);
            MeterRegistry meters = persister.bean(MeterRegistry.class);

            producer.send(messages("before", 400));
            await().atMost(Duration.ofSeconds(30)).until(() -> Tables.number(database, "SELECT count(*) FROM messages") == 400);

            proxy.cut();
            producer.send(messages("during", 600));
            await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.DOWN));
            await().atMost(Duration.ofSeconds(30)).until(() -> meters.counter("chatsync.persister.retries").count() >= 3);
            assertThat(health.health().getDetails()).containsKeys("error", "failingSince", "attempts");
            HttpResponse<String> actuator = persister.get("/actuator/health");
            assertThat(actuator.statusCode()).isEqualTo(503);
            assertThat(actuator.body()).containsPattern("\"databaseWrites\":\\{\"details\":\\{\"error\":\"[^\"]*RetriableBatchException[^}]*},\"status\":\"DOWN\"");
            assertThat(KafkaGroups.caughtUp("outage", topic)).isFalse();

            proxy.restore();
            await().atMost(Duration.ofSeconds(60)).until(() -> KafkaGroups.caughtUp("outage", topic));
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        }
        assertThat(Tables.number(database, "SELECT count(*) FROM messages")).isEqualTo(1000);
        assertThat(Tables.number(database, "SELECT count(*) FROM message_revisions")).isZero();
        assertThat(Tables.number(database, "SELECT sum(message_count) FROM rate_limits")).isEqualTo(500);
        assertThat(Tables.number(database, "SELECT sum(next_offset) FROM kafka_offsets")).isEqualTo(1000);
    }

    private static List<ConversationEvent> messages(String phase, int count) {
        List<ConversationEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(message("user_outage_" + (i % 7), phase + "-conv-" + (i % 23), "m" + i, i % 2 == 0 ? MessageRole.user : MessageRole.assistant, "content " + i, i));
        }
        return events;
    }
}
