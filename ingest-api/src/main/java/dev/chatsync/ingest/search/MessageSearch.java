package dev.chatsync.ingest.search;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.chatsync.ingest.problem.ProblemException;

/**
 * The statements behind GET /api/search, over the generated search_vector column of messages (V4) and its
 * index by user and words (V8).
 * Every statement names the text search configuration the column was made with, 'english': a query
 * parsed by another one would look for other lexemes than the index holds.
 */
@Component
class MessageSearch {

    // numnode 0: nothing left once parsed (only stop words or punctuation). querytree 'T': no term
    // the index can look up (only negations, or a negation OR'd with the rest), which would match
    // nearly every message the caller has and test each one.
    private static final String PARSE = """
            SELECT numnode(query) AS nodes, querytree(query) = 'T' AS unindexable
              FROM websearch_to_tsquery('english', :q) AS query
            """;

    // The user and the words are all keys of one index (V8), so the index alone finds the user's
    // matches, however common the words are among other users' messages. A persona narrows them to that
    // persona's conversations, as one array rather than a join (a join would run the search once per
    // conversation).
    // Ranks are computed once per match, in a materialized CTE: referenced from the page's WHERE and
    // ORDER BY, an inlined rank expression would be evaluated twice per row. Only the page's rows are
    // read again, for their content and snippet: ts_headline parses the whole text, far costlier than
    // the rank. The private-use characters the snippet marks matches with are taken out of the content
    // first, so that every one in the headline is a marker (Snippet). (rank, seq) orders ties by a
    // unique key, so a page boundary falls between two rows even among equal ranks.
    static final String SEARCH = """
            WITH hits AS MATERIALIZED (
                SELECT m.conversation_pk, m.message_id, m.seq, ts_rank_cd(m.search_vector, query, 1) AS rank
                  FROM websearch_to_tsquery('english', :q) AS query, messages m
                 WHERE m.user_id = :userId AND m.search_vector @@ query
                   AND (CAST(:personaId AS text) IS NULL OR m.conversation_pk = ANY (ARRAY(
                           SELECT c.id FROM conversations c WHERE c.user_id = :userId AND c.persona_id = :personaId)))
            ), page AS (
                SELECT conversation_pk, message_id, seq, rank
                  FROM hits
                 WHERE (rank, seq) < (CAST(:afterRank AS real), CAST(:afterSeq AS bigint))
                 ORDER BY rank DESC, seq DESC
                 LIMIT :limit
            )
            SELECT c.conversation_id, c.persona_id, c.title, m.message_id, m.role, m.created_at, page.rank, page.seq,
                   ts_headline('english', translate(m.content, U&'\\E000\\E001', ''), query,
                               U&'MaxFragments=2, MaxWords=20, MinWords=8, ShortWord=3, FragmentDelimiter=" \\2026 ", StartSel=\\E000, StopSel=\\E001')
                       AS headline
              FROM page
              JOIN messages m ON m.conversation_pk = page.conversation_pk AND m.message_id = page.message_id
              JOIN conversations c ON c.id = page.conversation_pk,
                   websearch_to_tsquery('english', :q) AS query
             ORDER BY page.rank DESC, page.seq DESC
            """;

    private final JdbcClient jdbc;

    MessageSearch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Up to {@code limit} of the user's messages matching the request, best first, after its cursor. Blocking. */
    List<Hit> search(String userId, SearchRequest request, int limit) {
        checkParsed(request.q());
        return jdbc.sql(SEARCH)
                .param("q", request.q())
                .param("userId", userId)
                .param("personaId", request.personaId())
                .param("afterRank", request.after().rank())
                .param("afterSeq", request.after().seq())
                .param("limit", limit)
                .query((rs, row) -> new Hit(rs.getString("conversation_id"), rs.getString("persona_id"), rs.getString("title"),
                        rs.getString("message_id"), rs.getString("role"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getFloat("rank"), rs.getLong("seq"), rs.getString("headline")))
                .list();
    }

    private void checkParsed(String q) {
        Parsed parsed = jdbc.sql(PARSE).param("q", q)
                .query((rs, row) -> new Parsed(rs.getInt("nodes"), rs.getBoolean("unindexable"))).single();
        if (parsed.nodes() == 0) {
            throw ProblemException.invalid("q", "searchable_words",
                    "has no word to search for once common words (the, and, ...) and punctuation are left out");
        }
        if (parsed.unindexable()) {
            throw ProblemException.invalid("q", "positive_term", "needs a word to find, not only words to leave out (-word)");
        }
    }

    private record Parsed(int nodes, boolean unindexable) {
    }

    /** A matching message with its conversation, its rank and its headline (matches between Snippet's markers). */
    record Hit(String conversationId, String personaId, String title, String messageId, String role, Instant createdAt,
            float rank, long seq, String headline) {

        SearchCursor cursor() {
            return new SearchCursor(rank, seq);
        }
    }
}
