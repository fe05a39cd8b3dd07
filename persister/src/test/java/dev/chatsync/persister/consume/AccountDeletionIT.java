package dev.chatsync.persister.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEvents;
import dev.chatsync.persister.TestEventsProducer;
import dev.chatsync.persister.TestWorkload;
import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.AccountDeleted;
import dev.chatsync.schemas.event.AccountEvent;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.DeletionSource;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.UserProfileChanged;
import dev.chatsync.schemas.serde.AccountEventCodec;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * Account events through the whole persister: Clerk's profile on the users row, newest wins; and a
 * deleted account leaves nothing, with two persisters consuming the user's events from several
 * partitions before, around and after the deletion.
 */
class AccountDeletionIT {

    private static final String DELETED = "user_leaving";
    private static final String KEPT = "user_staying";

    @Test
    void aProfileIsStoredAndAnOlderOneNeverReplacesIt() {
        String topic = "accounts-profile-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 2);
        TestKafka.shared().createTopic(topic + ".accounts", 1);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("profile");
        try (RunningPersister persister = RunningPersister.start(database.databaseUrl(), topic, "profile");
             TestEventsProducer accounts = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic + ".accounts")) {
            send(accounts, profile("user_p", "Ada Lovelace", "ada@example.com", 2_000));
            send(accounts, profile("user_p", "Ada Byron", "ada@old.example.com", 1_000));
            // one partition: once this is stored, the two before it were applied
            send(accounts, profile("user_q", "Grace Hopper", null, 1_000));
            await().atMost(Duration.ofSeconds(60)).until(() -> Tables.number(database, "SELECT count(*) FROM users WHERE id = 'user_q'") == 1);
        }
        assertThat(Tables.rows(database, "SELECT id, display_name, primary_email, image_url, "
                + "(extract(epoch FROM profile_updated_at) * 1000)::bigint FROM users ORDER BY id")).containsExactly(
                "user_p|Ada Lovelace|ada@example.com|https://img.example/user_p.png|2000",
                "user_q|Grace Hopper|null|https://img.example/user_q.png|1000");
    }

    @Test
    void eventsOfADeletedUserConsumedAfterTheDeletionOnSeveralPartitionsBringNothingBack() {
        String topic = "accounts-inflight-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 4);
        TestKafka.shared().createTopic(topic + ".accounts", 1);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("inflight");
        List<ConversationEvent> before = new ArrayList<>(TestWorkload.events(DELETED, 1, 6));
        before.addAll(TestWorkload.events(KEPT, 1, 2));
        long keptBefore;
        try (TestEventsProducer events = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic);
             TestEventsProducer accounts = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic + ".accounts");
             RunningPersister first = RunningPersister.start(database.databaseUrl(), topic, "inflight");
             RunningPersister second = RunningPersister.start(database.databaseUrl(), topic, "inflight")) {
            events.send(before);
            await().atMost(Duration.ofSeconds(60)).until(() -> applied(database) == before.size());
            assertThat(Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = '" + DELETED + "0'")).isPositive();
            keptBefore = Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = '" + KEPT + "0'");

            // accepted before the deletion, consumed only after it: the events containers are stopped meanwhile
            eventsListener(first).stop();
            eventsListener(second).stop();
            List<ConversationEvent> inFlight = inFlight(DELETED + "0", 8);
            inFlight.add(TestEvents.message(KEPT + "0", "after", "m1", MessageRole.user, "still here", 900));
            events.send(inFlight);
            send(accounts, deletion(DELETED + "0"));
            await().atMost(Duration.ofSeconds(60)).until(() -> Tables.number(database,
                    "SELECT count(*) FROM deleted_users WHERE user_id = '" + DELETED + "0'") == 1);
            eventsListener(first).start();
            eventsListener(second).start();
            await().atMost(Duration.ofSeconds(60)).until(() -> applied(database) == before.size() + inFlight.size());

            // and after it
            List<ConversationEvent> after = inFlight(DELETED + "0", 4);
            events.send(after);
            await().atMost(Duration.ofSeconds(60)).until(() -> applied(database) == before.size() + inFlight.size() + after.size());
        }
        assertNothingOf(database, DELETED + "0");
        assertThat(Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = '" + KEPT + "0'")).isEqualTo(keptBefore + 1);
    }

    @Test
    void aDeletionRacingTheUsersWritesOnTwoPersistersLeavesNothing() {
        String topic = "accounts-race-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 4);
        TestKafka.shared().createTopic(topic + ".accounts", 1);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("race");
        int total = 0;
        try (TestEventsProducer events = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic);
             TestEventsProducer accounts = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic + ".accounts");
             RunningPersister first = RunningPersister.start(database.databaseUrl(), topic, "race", "chatsync.persister.max-batch-size=10");
             RunningPersister second = RunningPersister.start(database.databaseUrl(), topic, "race", "chatsync.persister.max-batch-size=10")) {
            for (int round = 0; round < 5; round++) {
                List<ConversationEvent> burst = inFlight(DELETED + round, 40);
                burst.add(TestEvents.message(KEPT + round, "c", "m1", MessageRole.user, "still here", round));
                events.send(burst);
                // published while the burst is being consumed on both persisters
                send(accounts, deletion(DELETED + round));
                total += burst.size();
            }
            int expected = total;
            await().atMost(Duration.ofSeconds(90)).until(() -> applied(database) == expected
                    && Tables.number(database, "SELECT count(*) FROM deleted_users") == 5);
        }
        for (int round = 0; round < 5; round++) {
            assertNothingOf(database, DELETED + round);
            assertThat(Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = '" + KEPT + round + "'")).isEqualTo(1);
        }
    }

    private static void assertNothingOf(TestPostgres.Database database, String userId) {
        assertThat(Tables.number(database, "SELECT count(*) FROM users WHERE id = '" + userId + "'")).as("users").isZero();
        assertThat(Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = '" + userId + "'")).as("conversations").isZero();
        assertThat(Tables.number(database, "SELECT count(*) FROM conversation_tombstones WHERE user_id = '" + userId + "'")).as("tombstones").isZero();
        assertThat(Tables.number(database, "SELECT count(*) FROM rate_limits WHERE user_id = '" + userId + "'")).as("rate_limits").isZero();
        // messages and revisions hang off conversations; none may be left without one either
        assertThat(Tables.number(database, "SELECT count(*) FROM messages m WHERE NOT EXISTS "
                + "(SELECT 1 FROM conversations c WHERE c.id = m.conversation_pk)")).as("messages").isZero();
        assertThat(Tables.number(database, "SELECT count(*) FROM message_revisions r WHERE NOT EXISTS "
                + "(SELECT 1 FROM conversations c WHERE c.id = r.conversation_pk)")).as("message_revisions").isZero();
    }

    /** Messages of {@code count} conversations of the user, so they spread over the partitions; one deleted. */
    private static List<ConversationEvent> inFlight(String userId, int count) {
        List<ConversationEvent> events = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            events.add(TestEvents.message(userId, "late-" + UUID.randomUUID(), "m1", MessageRole.user, "written late", 1_000 + c));
        }
        events.add(TestEvents.deleted(userId, "conv-0", 2_000));
        return events;
    }

    private static long applied(TestPostgres.Database database) {
        return Tables.number(database, "SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets");
    }

    private static org.springframework.kafka.listener.MessageListenerContainer eventsListener(RunningPersister persister) {
        return persister.bean(KafkaListenerEndpointRegistry.class).getListenerContainer("persister");
    }

    private static AccountEvent profile(String userId, String name, String email, long updatedAt) {
        return Envelopes.of("msg_" + UUID.randomUUID(), userId, Instant.now(),
                new UserProfileChanged(name, email, "https://img.example/" + userId + ".png", Instant.ofEpochMilli(updatedAt)));
    }

    private static AccountEvent deletion(String userId) {
        return Envelopes.of(Envelopes.newEventId(), userId, Instant.now(), new AccountDeleted(DeletionSource.clerk));
    }

    private static void send(TestEventsProducer accounts, AccountEvent event) {
        accounts.sendAndWait(event.getUserId(), AccountEventCodec.encode(event));
    }
}
