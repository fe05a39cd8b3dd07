package dev.chatsync.ingest.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.ProblemException;

class SearchRequestTest {

    private static final SearchProperties PROPERTIES = new SearchProperties(20, 100, 256);
    private static final ClientIds IDS = new ClientIds(new IngestLimits(DataSize.ofMegabytes(1), 500, DataSize.ofKilobytes(32), 128, 256,
            DataSize.ofKilobytes(64), 100, 32));

    @Test
    void defaultsToTheFirstPageOfTheDefaultSize() {
        SearchRequest request = SearchRequest.parse("kafka", null, null, null, PROPERTIES, IDS);
        assertThat(request).isEqualTo(new SearchRequest("kafka", null, 20, SearchCursor.START));
    }

    @Test
    void takesEveryParameterWithinItsRule() {
        String cursor = new SearchCursor(0.25f, 42).encode();
        SearchRequest request = SearchRequest.parse("\"chai and code\" -tea", "hitesh", "100", cursor, PROPERTIES, IDS);
        assertThat(request).isEqualTo(new SearchRequest("\"chai and code\" -tea", "hitesh", 100, new SearchCursor(0.25f, 42)));
        assertThat(SearchRequest.parse("x".repeat(256), null, "1", null, PROPERTIES, IDS).limit()).isEqualTo(1);
    }

    @Test
    void namesTheParameterAndTheRuleOfQ() {
        assertThat(violations(null, null, null, null)).containsExactly("q:required");
        assertThat(violations("", null, null, null)).containsExactly("q:not_empty");
        assertThat(violations(" \t ", null, null, null)).containsExactly("q:not_empty");
        assertThat(violations("x".repeat(257), null, null, null)).containsExactly("q:max_length");
        assertThat(violations("kafka\u0000", null, null, null)).containsExactly("q:no_nul");
    }

    @Test
    void namesEveryOtherBrokenParameterAtOnce() {
        assertThat(violations("kafka", "no spaces", "0", "bogus")).containsExactly("personaId:id_charset", "limit:range", "cursor:cursor");
        assertThat(violations("kafka", "", "101", null)).containsExactly("personaId:not_empty", "limit:range");
        assertThat(violations("kafka", null, "ten", null)).containsExactly("limit:range");
        assertThat(violations(null, null, "-1", "")).containsExactly("q:required", "limit:range", "cursor:cursor");
    }

    private static List<String> violations(String q, String personaId, String limit, String cursor) {
        try {
            SearchRequest.parse(q, personaId, limit, cursor, PROPERTIES, IDS);
        } catch (ProblemException problem) {
            assertThat(problem.status().value()).isEqualTo(400);
            return problem.violations().stream().map(v -> v.field() + ":" + v.rule()).toList();
        }
        return fail("no 400 for q=" + q + ", personaId=" + personaId + ", limit=" + limit + ", cursor=" + cursor);
    }
}
