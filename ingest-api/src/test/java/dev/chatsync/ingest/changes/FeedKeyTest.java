package dev.chatsync.ingest.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FeedKeyTest {

    @Test
    void ordersByStampThenConversationThenSeq() {
        List<FeedKey> keys = new ArrayList<>(List.of(new FeedKey(8, 1, 0), new FeedKey(7, 2, 5), new FeedKey(7, 2, 0),
                new FeedKey(7, 1, 9), FeedKey.START, new FeedKey(0, 3, 1)));
        keys.sort(null);
        assertThat(keys).containsExactly(FeedKey.START, new FeedKey(0, 3, 1), new FeedKey(7, 1, 9), new FeedKey(7, 2, 0),
                new FeedKey(7, 2, 5), new FeedKey(8, 1, 0));
    }

    @Test
    void beforeAStampComesAfterEveryRowBelowItAndBeforeEveryRowAtIt() {
        FeedKey before = FeedKey.before(100);
        assertThat(before).isGreaterThan(new FeedKey(99, Long.MAX_VALUE - 1, 7)).isLessThan(new FeedKey(100, 0, 0));
    }

    @Test
    void maxKeepsTheCursorMonotonic() {
        FeedKey ahead = new FeedKey(500, 1, 1);
        assertThat(ahead.max(FeedKey.before(100))).isEqualTo(ahead);
        assertThat(FeedKey.START.max(FeedKey.before(100))).isEqualTo(FeedKey.before(100));
    }
}
