package dev.chatsync.ingest.imports;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.write.ImportWrites;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * POST /api/import: a chat-sync export, or ChatGPT's conversations.json, written into the caller's
 * account through Kafka like every write. The document is parsed as it arrives and checked whole
 * before its first event is published; then each conversation is published keyed by itself, and the
 * answer is 202 once Kafka acknowledged them all. Ids come from the document, so importing it again
 * publishes the same versions, which the persister stores once. The owner is always the caller:
 * nothing in a document names a user.
 */
@RestController
class ImportController {

    // a running import ends within the publish timeout of its last conversation; a few seconds is
    // when another may have room
    private static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(5);
    private static final int PUBLISHING_CONVERSATIONS = 4;

    private final ImportProperties properties;
    private final ImportWrites writes;
    private final ClientIds ids;
    private final Semaphore running;

    ImportController(ImportProperties properties, ImportWrites writes, IngestLimits limits) {
        this.properties = properties;
        this.writes = writes;
        this.ids = new ClientIds(limits);
        this.running = new Semaphore(properties.maxConcurrent());
    }

    @Operation(summary = "Import conversations: a chat-sync export, or ChatGPT's conversations.json",
            description = "A chat-sync export (GET /api/export's document) or ChatGPT's conversations.json, recognised by its shape. "
                    + "ChatGPT conversations are flattened to their current branch and belong to the configured persona. "
                    + "Checked whole first: a broken rule is a 400 naming its JSON path in the document, and nothing is published. "
                    + "Then 202 once Kafka acknowledged every event. Importing the same document again changes nothing. "
                    + "Imported messages count against the days they were written, not today's quota.")
    @PostMapping(path = ImportProperties.PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<ImportAccepted> importDocument(@AuthenticationPrincipal Jwt caller, ServerHttpRequest request) {
        if (!running.tryAcquire()) {
            return Mono.error(ProblemException.unavailable(properties.maxConcurrent() + " imports are running on this instance; retry shortly.",
                    BUSY_RETRY_AFTER));
        }
        String userId = caller.getSubject();
        DocumentImport document = new DocumentImport(properties, writes, ids, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return request.getBody()
                // copied where Netty delivers it: the server's buffer is only good until this returns
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    try {
                        buffer.read(bytes);
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                    return bytes;
                })
                // parsing and checking are CPU work the size of the document: off the event loop
                .publishOn(Schedulers.parallel(), 2)
                .doOnNext(document::feed)
                .then(Mono.fromCallable(document::finish))
                .flatMap(result -> publish(userId, result))
                .doFinally(signal -> running.release());
    }

    private Mono<ImportAccepted> publish(String userId, DocumentImport.Result result) {
        Executor completions = task -> Schedulers.parallel().schedule(task);
        return Flux.fromIterable(result.conversations())
                .flatMap(ready -> writes.publish(userId, ready.conversation(), ready.createdAt(), ready.messageTimes(), completions),
                        PUBLISHING_CONVERSATIONS)
                .reduce(0, Integer::sum)
                .map(published -> new ImportAccepted(result.format(), result.conversations().size(), result.messages(),
                        result.skipped().values().stream().mapToInt(Integer::intValue).sum(), result.skipped(), published));
    }

    /**
     * @param skipped   messages of the document left out (ChatGPT's: hidden, empty, without text, of
     *                  an unknown role, or on a branch the user left)
     * @param skippedBy those messages by reason
     */
    record ImportAccepted(
            @Schema(description = "chat-sync.export or chatgpt") String format,
            int conversations,
            @Schema(description = "Messages imported (published; those already stored unchanged are stored once)") int messages,
            int skipped,
            Map<String, Integer> skippedBy,
            @Schema(description = "Events Kafka acknowledged") int published) {
    }
}
