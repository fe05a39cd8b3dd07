package dev.chatsync.persister.write;

import static dev.chatsync.persister.TestEvents.deleted;
import static dev.chatsync.persister.TestEvents.message;
import static dev.chatsync.schemas.event.MessageRole.assistant;
import static dev.chatsync.schemas.event.MessageRole.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEvents;
import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.persister.decode.RecordDecoder;
import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.EventTopics;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageUpserted;
import dev.chatsync.schemas.serde.ConversationEventCodec;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * Batches composed exactly, written by the real BatchWriter into a real database (the listener is not
 * started, so each call here is one consumed batch). Each test uses its own user.
 */
class BatchWriterIT {

    private static final String TOPIC = "batch-writer-" + UUID.randomUUID();
    private static final AtomicLong OFFSETS = new AtomicLong();

    private static TestPostgres.Database database;
    private static RunningPersister persister;
    private static BatchWriter writer;

    @BeforeAll
    static void start() {
        TestKafka.shared().createTopic(TOPIC, 1);
        TestKafka.shared().createTopic(EventTopics.deadLetterOf(TOPIC), 1);
        database = TestPostgres.shared().newDatabase("batch_writer");
        persister = RunningPersister.start(database.databaseUrl(), TOPIC, "batch-writer", "spring.kafka.listener.auto-startup=false");
        writer = persister.bean(BatchWriter.class);
    }

    @AfterAll
    static void stop() {
        persister.close();
    }

    @Test
    void sameMessageTwiceInOneBatchStoresTheLastAndKeepsTheEarlierAsRevision() {
        BatchResult result = writer.write(batch(
                message("u-twice", "c1", "m1", assistant, "streaming…", 1),
                message("u-twice", "c1", "m1", assistant, "streaming… done", 2)));

        assertThat(result.inserted()).isEqualTo(1);
        assertThat(result.updated()).isEqualTo(1);
        assertThat(Tables.rows(database, "SELECT m.content, m.revision FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = 'u-twice'"))
                .containsExactly("streaming… done|2");
        assertThat(Tables.rows(database, "SELECT r.content, r.revision FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id = 'u-twice'"))
                .containsExactly("streaming…|1");
    }

    @Test
    void resyncOfStoredMessagesWritesOnlyTheNewOne() {
        List<ConversationEvent> stored = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            stored.add(message("u-resync", "c1", "m" + i, i % 2 == 0 ? user : assistant, "content " + i, i));
        }
        writer.write(batch(stored.toArray(ConversationEvent[]::new)));
        Map<String, List<String>> before = Tables.dump(database);
        long countedBefore = Tables.number(database, "SELECT sum(message_count) FROM rate_limits WHERE user_id = 'u-resync'");

        List<ConversationEvent> resync = new ArrayList<>(stored);
        resync.add(message("u-resync", "c1", "m-new", user, "a new question", 200));
        BatchResult result = writer.write(batch(resync.toArray(ConversationEvent[]::new)));

        assertThat(result.inserted()).isEqualTo(1);
        assertThat(result.updated()).isZero();
        assertThat(result.unchanged()).isEqualTo(100);
        assertThat(countedBefore).isEqualTo(50);
        assertThat(Tables.number(database, "SELECT sum(message_count) FROM rate_limits WHERE user_id = 'u-resync'")).isEqualTo(51);
        Map<String, List<String>> after = Tables.dump(database);
        List<String> newRows = new ArrayList<>(after.get("messages"));
        newRows.removeAll(before.get("messages"));
        assertThat(newRows).hasSize(1).allMatch(row -> row.contains("|m-new|"));
        assertThat(after.get("messages")).containsAll(before.get("messages"));
        assertThat(after.get("message_revisions")).isEqualTo(before.get("message_revisions"));
    }

    @Test
    void messagesStoredWithoutADigestAreComparedInFullAndAnUnchangedResyncWritesNothing() {
        writer.write(batch(
                message("u-undigested", "c1", "m1", user, "stored before digests", 1),
                message("u-undigested", "c1", "m2", assistant, "also before", 2)));
        Tables.execute(database, "UPDATE messages SET version_hash = NULL "
                + "WHERE conversation_pk IN (SELECT id FROM conversations WHERE user_id = 'u-undigested')");

        BatchResult resync = writer.write(batch(
                message("u-undigested", "c1", "m1", user, "stored before digests", 3),
                message("u-undigested", "c1", "m2", assistant, "also before, edited", 4)));

        assertThat(resync.unchanged()).isEqualTo(1);
        assertThat(resync.updated()).isEqualTo(1);
        assertThat(Tables.rows(database, "SELECT m.message_id, m.content, m.revision, m.version_hash IS NOT NULL FROM messages m "
                + "JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = 'u-undigested' ORDER BY m.seq"))
                .containsExactly("m1|stored before digests|1|f", "m2|also before, edited|2|t");
        assertThat(Tables.rows(database, "SELECT r.message_id, r.content, r.revision FROM message_revisions r "
                + "JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id = 'u-undigested'"))
                .containsExactly("m2|also before|1");
    }

    @Test
    void theDigestOfAStoredVersionFollowsItsEdits() {
        writer.write(batch(message("u-digest", "c1", "m1", assistant, "first", 1)));
        writer.write(batch(message("u-digest", "c1", "m1", assistant, "second", 2)));

        BatchResult again = writer.write(batch(message("u-digest", "c1", "m1", assistant, "second", 3)));
        BatchResult back = writer.write(batch(message("u-digest", "c1", "m1", assistant, "first", 4)));

        assertThat(again.unchanged()).isEqualTo(1);
        // an earlier version the message keeps: unchanged too, found by the full comparison
        assertThat(back.unchanged()).isEqualTo(1);
        assertThat(Tables.rows(database, "SELECT m.content, m.revision FROM messages m JOIN conversations c ON c.id = m.conversation_pk "
                + "WHERE c.user_id = 'u-digest'")).containsExactly("second|2");
    }

    @Test
    void deleteThenNewMessagesInOneBatchFollowKafkaOrder() {
        writer.write(batch(
                message("u-del1", "c1", "old-1", user, "before", 1),
                message("u-del1", "c1", "old-2", user, "before", 2)));

        writer.write(batch(
                message("u-del1", "c1", "old-2", user, "edited before delete", 3),
                deleted("u-del1", "c1", 4),
                message("u-del1", "c1", "new-1", user, "after", 5),
                message("u-del1", "c2", "gone", user, "short-lived", 6),
                deleted("u-del1", "c2", 7)));

        assertThat(messagesOf("u-del1")).containsExactly("c1|new-1|after|1");
        assertThat(Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = 'u-del1'")).isEqualTo(1);
        assertThat(Tables.number(database, "SELECT count(*) FROM message_revisions")).isEqualTo(
                Tables.number(database, "SELECT count(*) FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id <> 'u-del1'"));
        // every user message that was newly stored counts, even if deleted later in the same batch
        assertThat(Tables.number(database, "SELECT sum(message_count) FROM rate_limits WHERE user_id = 'u-del1'")).isEqualTo(4);
    }

    @Test
    void deleteThenNewMessagesAcrossBatchesFollowKafkaOrder() {
        writer.write(batch(message("u-del2", "c1", "m1", user, "first life", 1)));
        writer.write(batch(deleted("u-del2", "c1", 2)));
        assertThat(messagesOf("u-del2")).isEmpty();
        // a message the delete did not remove: a real new write (m1 again would be a stale re-send, see SeveralDevicesIT)
        writer.write(batch(message("u-del2", "c1", "m2", user, "second life", 3)));

        assertThat(messagesOf("u-del2")).containsExactly("c1|m2|second life|1");
    }

    @Test
    void eventTimesAreStoredToTheMillisecondInEveryTimestampColumn() {
        ConversationEvent first = message("u-times", "c1", "m1", user, "v1", 1);
        ((MessageUpserted) first.getPayload()).setCreatedAt(TestEvents.ACCEPTED_AT.minusSeconds(60));
        writer.write(batch(first));
        writer.write(batch(message("u-times", "c1", "m1", user, "v2", 2)));

        assertThat(Tables.rows(database, "SELECT " + utc("c.created_at") + ", " + utc("c.updated_at") + " FROM conversations c WHERE c.user_id = 'u-times'"))
                .containsExactly("2026-11-24T10:15:31.123000|2026-11-24T10:15:32.123000");
        assertThat(Tables.rows(database, "SELECT " + utc("m.created_at") + ", " + utc("m.updated_at")
                + " FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = 'u-times'"))
                .containsExactly("2026-11-24T10:14:30.123000|2026-11-24T10:15:32.123000");
        assertThat(Tables.rows(database, "SELECT " + utc("r.stored_at") + ", " + utc("r.replaced_at")
                + " FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id = 'u-times'"))
                .containsExactly("2026-11-24T10:15:31.123000|2026-11-24T10:15:32.123000");
    }

    @Test
    void redeliveredBatchChangesNothing() {
        List<Decoded> batch = batch(
                message("u-redeliver", "c1", "m1", user, "v1", 1),
                message("u-redeliver", "c1", "m1", user, "v2", 2),
                deleted("u-redeliver", "c2", 3),
                message("u-redeliver", "c2", "m1", user, "reborn", 4));
        writer.write(batch);
        Map<String, List<String>> before = Tables.dump(database);

        BatchResult again = writer.write(batch);

        assertThat(again.alreadyApplied()).isEqualTo(4);
        assertThat(Tables.dump(database)).isEqualTo(before);
    }

    @Test
    void textTheDatabaseRefusesIsDeadLetteredAndTheRestWritten() {
        BatchResult result = writer.write(batch(
                message("u-nul", "c1", "m1", user, "fine", 1),
                message("u-nul", "c1", "m2", user, "nul \u0000 inside", 2),
                message("u-nul", "c1", "m3", user, "fine too", 3)));

        assertThat(result.deadLettered()).isEqualTo(1);
        assertThat(messagesOf("u-nul")).containsExactly("c1|m1|fine|1", "c1|m3|fine too|1");
    }

    private static String utc(String column) {
        return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')";
    }

    private static List<String> messagesOf(String userId) {
        return Tables.rows(database, "SELECT c.conversation_id, m.message_id, m.content, m.revision FROM messages m "
                + "JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = '" + userId + "' ORDER BY m.seq");
    }

    private static List<Decoded> batch(ConversationEvent... events) {
        List<Decoded> batch = new ArrayList<>();
        for (ConversationEvent event : events) {
            String key = new ConversationKey(event.getUserId(), event.getConversationId()).toString();
            batch.add(RecordDecoder.decode(new ConsumerRecord<>(TOPIC, 0, OFFSETS.getAndIncrement(), key, ConversationEventCodec.encode(event))));
        }
        return batch;
    }
}
