package dev.chatsync.ingest.export;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.read.JdbcScheduler;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * GET /api/export: every conversation of the caller with its messages, as one JSON document written
 * while it is read. Each page is one statement on the JDBC scheduler, started only when the
 * connection asked for more output, so a slow download holds no connection or thread and the memory
 * of an export is a page and a chunk whatever the size of the account. A failure after the first
 * chunk ends the connection: a truncated document is invalid JSON, never a silently shorter export.
 */
@RestController
class ExportController {

    private final ExportReads reads;
    private final JdbcScheduler jdbc;
    private final ExportProperties properties;

    ExportController(ExportReads reads, JdbcScheduler jdbc, ExportProperties properties) {
        this.reads = reads;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    @Operation(summary = "Download all of the caller's conversations",
            description = "One JSON document, format \"chat-sync.export\" version 1 (README: Export and import): the caller's "
                    + "conversations ordered by id, each with its messages in order (content, parts, metadata, times, revision). "
                    + "With revisions=true each message also lists the earlier versions it keeps. POST /api/import takes it back. "
                    + "Streamed; a download cut short is invalid JSON.")
    @GetMapping(path = "/api/export", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Flux<DataBuffer>>> export(@AuthenticationPrincipal Jwt caller,
            @Parameter(description = "true to include every message's earlier versions; default false")
            @RequestParam(required = false) String revisions,
            ServerHttpResponse response) {
        if (revisions != null && !revisions.equals("true") && !revisions.equals("false")) {
            return Mono.error(ProblemException.invalid("revisions", "boolean", "must be true or false"));
        }
        boolean withRevisions = "true".equals(revisions);
        String userId = caller.getSubject();
        Instant exportedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String filename = "chat-sync-export-" + exportedAt.atOffset(ZoneOffset.UTC).toLocalDate() + ".json";
        int size = properties.conversationsPerPage();
        // the first page is read before the answer starts, so a database that is away is a 503, not a cut download
        return jdbc.run(() -> reads.conversations(userId, "", size)).map(first -> ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
                .contentType(MediaType.APPLICATION_JSON)
                .body(Flux.defer(() -> document(userId, first, withRevisions, exportedAt, response.bufferFactory()))));
    }

    private Flux<DataBuffer> document(String userId, List<ExportReads.Conversation> firstPage, boolean withRevisions, Instant exportedAt,
            DataBufferFactory buffers) {
        ExportWriter writer = new ExportWriter(buffers, Math.toIntExact(properties.chunkBytes().toBytes()));
        Flux<DataBuffer> conversations = conversationPages(userId, firstPage)
                // one page at a time: a prefetch would read pages ahead of what the client took
                .concatMapIterable(page -> page, 1)
                .concatMap(conversation -> Flux.concat(
                        Flux.defer(() -> Flux.fromIterable(writer.conversation(conversation))),
                        rowPages(conversation.pk(), withRevisions).concatMapIterable(writer::rows, 1),
                        Flux.defer(() -> Flux.fromIterable(writer.endConversation()))), 1);
        return Flux.concat(
                Flux.defer(() -> Flux.fromIterable(writer.start(exportedAt, withRevisions))),
                conversations,
                Flux.defer(() -> Flux.fromIterable(writer.end())));
    }

    private Flux<List<ExportReads.Conversation>> conversationPages(String userId, List<ExportReads.Conversation> firstPage) {
        int size = properties.conversationsPerPage();
        return Mono.just(firstPage)
                .expand(page -> page.size() < size ? Mono.empty()
                        : jdbc.run(() -> reads.conversations(userId, page.get(page.size() - 1).conversationId(), size)));
    }

    private Flux<List<ExportReads.Row>> rowPages(long conversationPk, boolean withRevisions) {
        int size = properties.rowsPerPage();
        return jdbc.run(() -> reads.rows(conversationPk, withRevisions, 0, 0, size))
                .expand(page -> {
                    if (page.size() < size) {
                        return Mono.empty();
                    }
                    ExportReads.Row last = page.get(page.size() - 1);
                    return jdbc.run(() -> reads.rows(conversationPk, withRevisions, last.seq(), last.version(), size));
                });
    }
}
