package dev.chatsync.ingest.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.read.PageLimit;

/**
 * The query parameters of GET /api/search, checked. What only Postgres can tell (whether {@code q} has
 * a word left to search for) is checked by {@link MessageSearch} when it parses the query.
 *
 * @param q         the web-search style query as the client wrote it
 * @param personaId only conversations with this persona; null for all of the caller's
 * @param limit     results per page
 * @param after     where the previous page ended
 */
record SearchRequest(String q, String personaId, int limit, SearchCursor after) {

    /** The request these parameters make, or a 400 naming every parameter that breaks a rule. */
    static SearchRequest parse(String q, String personaId, String limit, String cursor, SearchProperties properties, ClientIds ids) {
        List<FieldViolation> violations = new ArrayList<>();
        if (q == null) {
            violations.add(new FieldViolation("q", "required", "is required"));
        } else if (q.isBlank()) {
            violations.add(new FieldViolation("q", "not_empty", "must contain a word to search for"));
        } else if (q.length() > properties.maxQueryLength()) {
            violations.add(new FieldViolation("q", "max_length", "at most " + properties.maxQueryLength() + " characters"));
        } else if (q.indexOf('\u0000') >= 0) {
            violations.add(new FieldViolation("q", "no_nul", "must not contain NUL (\\u0000) characters"));
        }
        if (personaId != null) {
            Optional.ofNullable(ids.check("personaId", personaId)).ifPresent(violations::add);
        }
        int size = PageLimit.parse(limit, properties.defaultLimit(), properties.maxLimit(), violations);
        SearchCursor after = SearchCursor.START;
        if (cursor != null) {
            Optional<SearchCursor> parsed = SearchCursor.parse(cursor);
            if (parsed.isEmpty()) {
                violations.add(new FieldViolation("cursor", "cursor", "not a cursor this API returned"));
            } else {
                after = parsed.get();
            }
        }
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
        return new SearchRequest(q, personaId, size, after);
    }
}
