package dev.chatsync.ingest.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.chatsync.ingest.search.Snippet.Highlight;

class SnippetTest {

    private static final String START = String.valueOf(Snippet.START);
    private static final String STOP = String.valueOf(Snippet.STOP);

    @Test
    void marksBecomeRangesOfThePlainText() {
        Snippet snippet = Snippet.of("the " + START + "kafka" + STOP + " broker and " + START + "Kafka" + STOP + "'s log");
        assertThat(snippet.text()).isEqualTo("the kafka broker and Kafka's log");
        assertThat(snippet.highlights()).containsExactly(new Highlight(4, 9), new Highlight(21, 26));
        assertThat(snippet.text().substring(21, 26)).isEqualTo("Kafka");
    }

    @Test
    void markupInTheContentStaysText() {
        Snippet snippet = Snippet.of("<script>" + START + "alert" + STOP + "(1)</script>");
        assertThat(snippet.text()).isEqualTo("<script>alert(1)</script>");
        assertThat(snippet.highlights()).containsExactly(new Highlight(8, 13));
    }

    @Test
    void offsetsCountUtf16UnitsAsJavaScriptDoes() {
        Snippet snippet = Snippet.of("\uD83D\uDE00 " + START + "chai" + STOP);
        assertThat(snippet.highlights()).containsExactly(new Highlight(3, 7));
    }

    @Test
    void withoutMatchesTheTextIsAsItCame() {
        Snippet snippet = Snippet.of("first words of the message" + Snippet.FRAGMENT_DELIMITER + "more");
        assertThat(snippet.text()).isEqualTo("first words of the message … more");
        assertThat(snippet.highlights()).isEmpty();
    }

    @Test
    void theSpaceLeftAtEitherEndIsTrimmedWithTheRangesMoved() {
        Snippet snippet = Snippet.of("  " + START + "bold" + STOP + " claims ");
        assertThat(snippet.text()).isEqualTo("bold claims");
        assertThat(snippet.highlights()).containsExactly(new Highlight(0, 4));
    }

    @Test
    void anUnbalancedOrEmptyMarkMakesNoRange() {
        assertThat(Snippet.of(STOP + "a" + START + STOP + "b" + START + "c").highlights()).isEmpty();
        assertThat(Snippet.of(STOP + "a" + START + STOP + "b" + START + "c").text()).isEqualTo("abc");
    }
}
