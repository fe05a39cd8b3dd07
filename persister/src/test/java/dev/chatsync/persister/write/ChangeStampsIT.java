package dev.chatsync.persister.write;

import static dev.chatsync.persister.TestEvents.conversation;
import static dev.chatsync.persister.TestEvents.deleted;
import static dev.chatsync.persister.TestEvents.message;
import static dev.chatsync.schemas.event.MessageRole.assistant;
import static dev.chatsync.schemas.event.MessageRole.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestBatches;
import dev.chatsync.schemas.EventTopics;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * What the changes feed reads: every row a batch inserts or changes carries the batch transaction's id
 * (change_xid), a conversation's stamp is never below its messages', an unchanged re-sync stamps
 * nothing, and a delete that deleted a conversation leaves a tombstone. A batch's transaction id is
 * read from the xmin of the kafka_offsets row it advanced. Each test uses its own user.
 */
class ChangeStampsIT {

    private static final String TOPIC = "change-stamps-" + UUID.randomUUID();

    private static TestPostgres.Database database;
    private static RunningPersister persister;
    private static BatchWriter writer;
    private static TestBatches batches;

    @BeforeAll
    static void start() {
        TestKafka.shared().createTopic(TOPIC, 1);
        TestKafka.shared().createTopic(EventTopics.deadLetterOf(TOPIC), 1);
        database = TestPostgres.shared().newDatabase("change_stamps");
        persister = RunningPersister.start(database.databaseUrl(), TOPIC, "change-stamps", "spring.kafka.listener.auto-startup=false");
        writer = persister.bean(BatchWriter.class);
        batches = new TestBatches(TOPIC);
    }

    @AfterAll
    static void stop() {
        persister.close();
    }

    @Test
    void insertedAndChangedRowsCarryTheTransactionsIdAndUnchangedOnesKeepTheirs() {
        writer.write(batches.of(
                message("u-stamp", "c1", "m1", user, "hello", 1),
                message("u-stamp", "c1", "m2", assistant, "hi, stream…", 2),
                message("u-stamp", "c2", "m1", user, "elsewhere", 3)));
        String first = lastBatchXid();

        assertThat(stampsOf("u-stamp")).containsExactly(
                "c1|" + first, "c1|m1|" + first, "c1|m2|" + first, "c2|" + first, "c2|m1|" + first);

        writer.write(batches.of(
                message("u-stamp", "c1", "m1", user, "hello", 4),
                message("u-stamp", "c1", "m2", assistant, "hi, streamed in full", 5),
                message("u-stamp", "c1", "m3", user, "thanks", 6),
                message("u-stamp", "c2", "m1", user, "elsewhere", 7)));
        String second = lastBatchXid();

        assertThat(second).isNotEqualTo(first);
        assertThat(stampsOf("u-stamp")).containsExactly(
                "c1|" + second, "c1|m1|" + first, "c1|m2|" + second, "c1|m3|" + second, "c2|" + first, "c2|m1|" + first);
        assertThat(Tables.number(database, """
                SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_pk
                WHERE c.user_id = 'u-stamp' AND m.change_xid > c.change_xid""")).isZero();
    }

    @Test
    void aMessageChangedTwiceInOneBatchAndItsRevisionShareOneStamp() {
        writer.write(batches.of(
                message("u-twice-stamp", "c1", "m1", assistant, "v1", 1),
                message("u-twice-stamp", "c1", "m1", assistant, "v2", 2),
                message("u-twice-stamp", "c1", "m1", assistant, "v3", 3)));
        String xid = lastBatchXid();

        assertThat(stampsOf("u-twice-stamp")).containsExactly("c1|" + xid, "c1|m1|" + xid);
        assertThat(Tables.number(database, "SELECT max(revision) FROM messages m JOIN conversations c ON c.id = m.conversation_pk "
                + "WHERE c.user_id = 'u-twice-stamp'")).isEqualTo(3);
    }

    @Test
    void aMetadataChangeStampsTheConversationAlone() {
        writer.write(batches.of(message("u-title", "c1", "m1", user, "hello", 1)));
        String first = lastBatchXid();

        writer.write(batches.of(conversation("u-title", "c1", "hitesh", "A new title", 2)));
        String second = lastBatchXid();

        assertThat(stampsOf("u-title")).containsExactly("c1|" + second, "c1|m1|" + first);
    }

    @Test
    void anUnchangedResyncStampsNothing() {
        writer.write(batches.of(
                message("u-same-stamp", "c1", "m1", user, "hello", 1),
                message("u-same-stamp", "c1", "m2", assistant, "hi", 2),
                conversation("u-same-stamp", "c1", "hitesh", "Learning Kafka", 3)));
        Map<String, List<String>> before = Tables.dump(database);
        List<String> stampsBefore = stampsOf("u-same-stamp");

        BatchResult result = writer.write(batches.of(
                message("u-same-stamp", "c1", "m1", user, "hello", 10),
                conversation("u-same-stamp", "c1", "hitesh", null, 11),
                message("u-same-stamp", "c1", "m2", assistant, "hi", 12)));

        assertThat(result.unchanged()).isEqualTo(2);
        assertThat(stampsOf("u-same-stamp")).isEqualTo(stampsBefore);
        Map<String, List<String>> after = Tables.dump(database);
        before.remove("kafka_offsets");
        after.remove("kafka_offsets");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void aDeleteLeavesATombstoneOnlyWhenItDeletedAConversation() {
        writer.write(batches.of(message("u-tomb", "c1", "m1", user, "hello", 1)));
        long firstPk = Tables.number(database, "SELECT id FROM conversations WHERE user_id = 'u-tomb' AND conversation_id = 'c1'");

        BatchResult nothing = writer.write(batches.of(deleted("u-tomb", "never-stored", 2)));
        assertThat(nothing.deleted()).isZero();
        assertThat(tombstonesOf("u-tomb")).isEmpty();

        BatchResult deletes = writer.write(batches.of(deleted("u-tomb", "c1", 3), deleted("u-tomb", "c1", 4)));
        String deletedIn = lastBatchXid();

        assertThat(deletes.deleted()).isEqualTo(1);
        assertThat(tombstonesOf("u-tomb")).containsExactly("c1|" + firstPk + "|2026-11-24T10:15:33.123000|" + deletedIn);
    }

    @Test
    void aConversationDeletedAgainAfterItWasCreatedAgainMovesItsTombstone() {
        writer.write(batches.of(message("u-redelete", "c1", "m1", user, "first life", 1)));
        writer.write(batches.of(deleted("u-redelete", "c1", 2)));
        String firstDelete = lastBatchXid();
        assertThat(tombstonesOf("u-redelete")).singleElement().asString().endsWith("|2026-11-24T10:15:32.123000|" + firstDelete);

        // re-created by a new message: the tombstone stays, older than the new conversation's stamp
        writer.write(batches.of(message("u-redelete", "c1", "m2", user, "second life", 3)));
        String recreated = lastBatchXid();
        long secondPk = Tables.number(database, "SELECT id FROM conversations WHERE user_id = 'u-redelete'");
        assertThat(tombstonesOf("u-redelete")).singleElement().asString().endsWith("|" + firstDelete);
        assertThat(Tables.number(database, "SELECT count(*) FROM conversations c JOIN conversation_tombstones t USING (user_id, conversation_id) "
                + "WHERE user_id = 'u-redelete' AND c.change_xid > t.change_xid")).isEqualTo(1);

        // deleted, created and deleted again in one batch: the last delete's row and time
        writer.write(batches.of(
                deleted("u-redelete", "c1", 5),
                message("u-redelete", "c1", "m3", user, "third life", 6),
                deleted("u-redelete", "c1", 7)));
        String lastDelete = lastBatchXid();

        assertThat(Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = 'u-redelete'")).isZero();
        List<String> tombstone = tombstonesOf("u-redelete");
        assertThat(tombstone).singleElement().asString().startsWith("c1|").endsWith("|2026-11-24T10:15:37.123000|" + lastDelete);
        assertThat(Long.parseLong(tombstone.get(0).split("\\|")[1])).isGreaterThan(secondPk);
        assertThat(recreated).isNotEqualTo(lastDelete);
    }

    /** The 32-bit id of the transaction that wrote the last batch: the xmin of the row it advanced. */
    private static String lastBatchXid() {
        return Tables.rows(database, "SELECT xmin FROM kafka_offsets").get(0);
    }

    /** Conversations ({@code conversation|xid}) and their messages ({@code conversation|message|xid}). */
    private static List<String> stampsOf(String userId) {
        return Tables.rows(database, """
                SELECT conversation_id || coalesce('|' || message_id, '') || '|' || xid
                FROM (SELECT c.conversation_id, NULL AS message_id, c.change_xid::xid AS xid, 0 AS seq
                      FROM conversations c WHERE c.user_id = '%1$s'
                      UNION ALL
                      SELECT c.conversation_id, m.message_id, m.change_xid::xid, m.seq
                      FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = '%1$s') s
                ORDER BY conversation_id, seq""".formatted(userId));
    }

    private static List<String> tombstonesOf(String userId) {
        return Tables.rows(database, """
                SELECT conversation_id, conversation_pk, to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), change_xid::xid
                FROM conversation_tombstones WHERE user_id = '%s' ORDER BY conversation_id""".formatted(userId));
    }
}
