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

    /** The first page as another statement with the API's parameters reads it (a design not taken); returns how many. */
    public int firstPage(String statement, String userId, String q, int limit) {
        return firstPageOf(statement, userId, q, limit).query((rs, row) -> row).list().size();
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of that page's statement, one line per plan line. */
    public List<String> plan(String userId, String q, int limit) {
        return plan(MessageSearch.SEARCH, userId, q, limit);
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of another statement with the API's parameters. */
    public List<String> plan(String statement, String userId, String q, int limit) {
        return firstPageOf("EXPLAIN (ANALYZE, BUFFERS) " + statement, userId, q, limit).query(String.class).list();
    }

    private JdbcClient.StatementSpec firstPageOf(String statement, String userId, String q, int limit) {
        return jdbc.sql(statement)
                .params(Map.of("q", q, "userId", userId, "afterRank", SearchCursor.START.rank(), "afterSeq", SearchCursor.START.seq(),
                        "limit", limit + 1))
                .param("personaId", null);
    }
}
