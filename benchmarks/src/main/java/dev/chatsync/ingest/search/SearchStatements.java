package dev.chatsync.ingest.search;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The API's own search statements, run without the API, for the search benchmark's SQL-only figures
 * and its plans. It sits in the API's package, but in the benchmarks module, because the statements
 * are package-private there and nothing in the API needs them public. Not a component: the API's
 * component scanning never picks it up.
 */
public final class SearchStatements {

    private final JdbcClient jdbc;
    private final MessageSearch search;

    public SearchStatements(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.search = new MessageSearch(jdbc);
    }

    /** The first page of {@code limit} results of {@code q} for the user, as GET /api/search reads it; returns how many. */
    public int firstPage(String userId, String q, int limit) {
        return search.search(userId, new SearchRequest(q, null, limit, SearchCursor.START), limit + 1).size();
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of that page's statement, one line per plan line. */
    public List<String> plan(String userId, String q, int limit) {
        return jdbc.sql("EXPLAIN (ANALYZE, BUFFERS) " + MessageSearch.SEARCH)
                .params(Map.of("q", q, "userId", userId, "afterRank", SearchCursor.START.rank(), "afterSeq", SearchCursor.START.seq(),
                        "limit", limit + 1))
                .param("personaId", null)
                .query(String.class).list();
    }
}
