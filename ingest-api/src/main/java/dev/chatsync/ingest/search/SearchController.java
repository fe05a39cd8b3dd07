package dev.chatsync.ingest.search;

import java.time.Instant;
import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.read.JdbcScheduler;
import dev.chatsync.ingest.search.MessageSearch.Hit;
import dev.chatsync.ingest.search.Snippet.Highlight;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import reactor.core.publisher.Mono;

/**
 * GET /api/search: the caller's messages matching a web-search style query, best first. No ETag: a
 * search is asked for by a person, not polled, and what would tag it (every message's stamp) is what
 * the search itself reads.
 */
@RestController
class SearchController {

    private final MessageSearch search;
    private final JdbcScheduler jdbc;
    private final ClientIds ids;
    private final SearchProperties properties;

    SearchController(MessageSearch search, JdbcScheduler jdbc, IngestLimits limits, SearchProperties properties) {
        this.search = search;
        this.jdbc = jdbc;
        this.ids = new ClientIds(limits);
        this.properties = properties;
    }

    @Operation(summary = "Search the caller's messages",
            description = "The caller's messages matching `q`, best match first (ts_rank_cd: how many of the words occur, and how close "
                    + "together), each with a snippet, the ranges of the snippet that matched, and its conversation. `q` is web-search "
                    + "style: words (all of them must occur, in any form: \"deploying\" finds \"deployed\"), \"a quoted phrase\", "
                    + "`or` between alternatives, `-word` to leave out messages with it. Common English words (the, and, ...) are not "
                    + "searched for. In pages of `limit`; pass `nextCursor` back as `cursor` for the next one. Messages of deleted "
                    + "conversations are gone, and an edited message is found by its current content only.")
    @GetMapping(path = "/api/search", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<SearchPage> search(@AuthenticationPrincipal Jwt caller,
            @Parameter(description = "The query, 1 to the configured maximum of characters") @RequestParam(required = false) String q,
            @Parameter(description = "Only the caller's conversations with this persona") @RequestParam(required = false) String personaId,
            @Parameter(description = "Results per page, 1 to the configured maximum") @RequestParam(required = false) String limit,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor) {
        String userId = caller.getSubject();
        // a ProblemException thrown here is answered like one signalled by the Mono: a 400, nothing read
        SearchRequest request = SearchRequest.parse(q, personaId, limit, cursor, properties, ids);
        return jdbc.run(() -> page(search.search(userId, request, request.limit() + 1), request.limit()));
    }

    private static SearchPage page(List<Hit> hits, int size) {
        boolean more = hits.size() > size;
        List<Hit> page = more ? hits.subList(0, size) : hits;
        String nextCursor = more ? page.get(page.size() - 1).cursor().encode() : null;
        return new SearchPage(page.stream().map(SearchController::result).toList(), nextCursor);
    }

    private static SearchResult result(Hit hit) {
        Snippet snippet = Snippet.of(hit.headline());
        return new SearchResult(hit.messageId(), hit.role(), hit.createdAt(), hit.rank(), snippet.text(), snippet.highlights(),
                new ConversationRef(hit.conversationId(), hit.personaId(), hit.title()));
    }

    record SearchPage(List<SearchResult> results, @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }

    record SearchResult(
            String messageId,
            String role,
            Instant createdAt,
            @Schema(description = "How well the message matches; only comparable within one query") float rank,
            @Schema(description = "Plain text around the matches (not HTML), fragments joined by \" … \"") String snippet,
            @Schema(description = "The matched words in snippet: UTF-16 offsets, start inclusive, end exclusive") List<Highlight> highlights,
            ConversationRef conversation) {
    }

    record ConversationRef(String conversationId, String personaId, String title) {
    }
}
