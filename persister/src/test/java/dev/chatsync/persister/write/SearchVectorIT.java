package dev.chatsync.persister.write;

import static dev.chatsync.persister.TestEvents.deleted;
import static dev.chatsync.persister.TestEvents.edit;
import static dev.chatsync.persister.TestEvents.message;
import static dev.chatsync.schemas.event.MessageRole.assistant;
import static dev.chatsync.schemas.event.MessageRole.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.DirectWriter;
import dev.chatsync.persister.Tables;

/**
 * The search column (V4) as the persister's own statements leave it: computed by the set-based
 * INSERT of a new message and by the UPDATE that replaces its content, unchanged by a conflict kept
 * beside the current version, gone with a deleted conversation. Each test uses its own user.
 */
class SearchVectorIT {

    private static DirectWriter direct;

    @BeforeAll
    static void start() {
        direct = DirectWriter.start("search_vector");
    }

    @AfterAll
    static void stop() {
        direct.close();
    }

    @Test
    void newMessagesAreSearchableInTheTransactionThatStoresThem() {
        direct.writer().write(direct.batches().of(
                message("u-new", "c1", "m1", user, "How do Kafka partitions keep order?", 1),
                message("u-new", "c1", "m2", assistant, "Each partition is an ordered log.", 2)));

        assertThat(matching("u-new", "partition")).containsExactly("m1", "m2");
        assertThat(matching("u-new", "\"kafka partitions\"")).containsExactly("m1");
        assertThat(matching("u-new", "ordered -kafka")).containsExactly("m2");
    }

    @Test
    void aReplacedContentIsSearchedByItsNewWordsOnly() {
        direct.writer().write(direct.batches().of(message("u-edit", "c1", "reply", assistant, "streaming about giraffes", 1)));
        direct.writer().write(direct.batches().of(message("u-edit", "c1", "reply", assistant, "finished, about elephants", 2)));

        assertThat(matching("u-edit", "giraffe")).isEmpty();
        assertThat(matching("u-edit", "elephant")).containsExactly("reply");
        assertThat(Tables.number(direct.database(), "SELECT count(*) FROM message_revisions WHERE content = 'streaming about giraffes'"))
                .isEqualTo(1);
    }

    @Test
    void aConflictKeptBesideTheCurrentVersionLeavesTheCurrentOneSearched() {
        direct.writer().write(direct.batches().of(message("u-conflict", "c1", "m1", user, "first words about tea", 1)));
        direct.writer().write(direct.batches().of(edit("u-conflict", "c1", "m1", user, "second words about coffee", 1, 2)));
        direct.writer().write(direct.batches().of(edit("u-conflict", "c1", "m1", user, "third words about cocoa", 2, 3)));
        // edited from revision 1, which the stored one (based on 2) never saw: stale, kept as a conflict
        direct.writer().write(direct.batches().of(edit("u-conflict", "c1", "m1", user, "stale words about juice", 1, 4)));

        assertThat(Tables.number(direct.database(), """
                SELECT count(*) FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk
                 WHERE c.user_id = 'u-conflict' AND r.conflict AND r.content = 'stale words about juice'""")).isEqualTo(1);
        assertThat(matching("u-conflict", "cocoa")).containsExactly("m1");
        assertThat(matching("u-conflict", "juice")).isEmpty();
        assertThat(matching("u-conflict", "coffee or tea")).isEmpty();
    }

    @Test
    void aDeletedConversationTakesItsMessagesOutOfTheIndex() {
        direct.writer().write(direct.batches().of(message("u-delete", "c1", "m1", user, "the zebra crossing", 1)));
        direct.writer().write(direct.batches().of(deleted("u-delete", "c1", 2)));

        assertThat(matching("u-delete", "zebra")).isEmpty();
    }

    private static List<String> matching(String userId, String query) {
        return Tables.rows(direct.database(), """
                SELECT m.message_id FROM messages m JOIN conversations c ON c.id = m.conversation_pk
                 WHERE c.user_id = '%s' AND m.search_vector @@ websearch_to_tsquery('english', '%s')
                 ORDER BY m.seq""".formatted(userId, query.replace("'", "''")));
    }
}
