package dev.chatsync.ingest.write;

import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.events.EventsTopic;
import dev.chatsync.ingest.dedup.RecentlyPublished;
import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.publish.EventPublisher;
import dev.chatsync.ingest.synctoken.SyncTokens;
import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.event.ConversationEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * The write side: POST syncs a conversation, DELETE removes one. Both answer 202 only once Kafka
 * acknowledged every event they produced, and publish nothing when the request is rejected.
 */
@RestController
@RequestMapping("/api/messages")
class WriteController {

    private static final String REVISION = "The revision of the message this copy was edited from, as a read returned it; "
            + "leave it out for a new message or when the client does not track revisions. A copy based on an older revision than "
            + "the stored one never silently replaces it: it is kept as a conflict (reads count them), and of two edits of the same "
            + "revision the current one is decided by their content alone, whatever order they arrive in.";

    private static final String SYNC_TOKEN = "Opaque. Pass it to a GET as the syncToken query parameter or the Chat-Sync-Token header: "
            + "the read then waits (bounded) until this write is stored, and answers Chat-Sync-Consistent: true, or false when the bound passed first.";

    private final SyncRequestParser parser;
    private final ClientIds ids;
    private final RecentlyPublished recent;
    private final EventPublisher publisher;
    private final String topic;
    private final long maxBodyBytes;
    private final IngestMetrics metrics;
    private final SyncTokens tokens;

    WriteController(IngestLimits limits, RecentlyPublished recent, EventPublisher publisher, EventsTopic topic, IngestMetrics metrics,
            SyncTokens tokens) {
        this.parser = new SyncRequestParser(limits);
        this.ids = new ClientIds(limits);
        this.recent = recent;
        this.publisher = publisher;
        this.topic = topic.topic();
        this.maxBodyBytes = limits.maxBodyBytes().toBytes();
        this.metrics = metrics;
        this.tokens = tokens;
    }

    @Operation(summary = "Save or re-sync a conversation",
            description = "Publishes one MessageUpserted per message not already published unchanged by this instance "
                    + "(one ConversationUpserted when messages is empty). 202 once Kafka acknowledged every event; "
                    + "503 with Retry-After when it did not in time. Unknown JSON fields are ignored. "
                    + "The 202's syncToken, given to a GET, makes it wait until this write is readable.",
            requestBody = @RequestBody(required = true, content = @Content(schema = @Schema(implementation = SyncBody.class))))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<SyncAccepted> sync(@AuthenticationPrincipal Jwt caller, ServerHttpRequest request) {
        String userId = caller.getSubject();
        int maxBytes = (int) Math.min(Integer.MAX_VALUE, maxBodyBytes);
        return DataBufferUtils.join(request.getBody(), maxBytes)
                .onErrorMap(DataBufferLimitException.class, e -> ProblemException.tooLarge(maxBodyBytes))
                .map(buffer -> {
                    // parsed where Netty put it: no copy of the body per request
                    try {
                        return parser.parse(buffer.asInputStream());
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .switchIfEmpty(Mono.fromSupplier(() -> parser.parse(InputStream.nullInputStream())))
                .flatMap(sync -> publish(userId, sync, eventLoopOf(request)));
    }

    private Mono<SyncAccepted> publish(String userId, SyncRequest sync, Executor completions) {
        ConversationKey key = new ConversationKey(userId, sync.conversationId());
        Instant acceptedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        metrics.accepted(sync.messages().size());
        if (sync.messages().isEmpty()) {
            return publisher.publish(List.of(record(key, ConversationEvents.conversationUpserted(userId, sync, acceptedAt))), completions)
                    .map(acks -> {
                        metrics.published(1);
                        return new SyncAccepted(sync.conversationId(), 0, 1, 0, syncToken(userId, acks.get(0)));
                    });
        }
        List<SyncRequest.Message> messages = sync.messages();
        List<Candidate> candidates = new ArrayList<>(messages.size());
        for (SyncRequest.Message message : messages) {
            candidates.add(new Candidate(message, ConversationEvents.fingerprint(sync, message)));
        }
        RecentlyPublished.Unpublished<Candidate> unpublished = recent.unpublished(key, candidates);
        List<Candidate> outgoing = unpublished.messages();
        int skipped = messages.size() - outgoing.size();
        metrics.skipped(skipped);
        if (outgoing.isEmpty()) {
            // nothing new: readable once what was published of these messages is
            String token = tokens.issue(userId, unpublished.partition(), unpublished.highestSkippedOffset());
            return Mono.just(new SyncAccepted(sync.conversationId(), messages.size(), 0, skipped, token));
        }
        List<ProducerRecord<String, ConversationEvent>> records = new ArrayList<>(outgoing.size());
        for (Candidate candidate : outgoing) {
            records.add(record(key, ConversationEvents.messageUpserted(userId, sync, candidate.message(), acceptedAt)));
        }
        return publisher.publish(records, completions).map(acks -> {
            // one acknowledgement per record, in the records' order
            long[] offsets = new long[acks.size()];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = acks.get(i).hasOffset() ? acks.get(i).offset() : -1;
            }
            recent.remember(key, outgoing, acks.get(0).partition(), offsets);
            metrics.published(records.size());
            // one key, so one partition: the last event is stored after every earlier one, skipped ones included
            return new SyncAccepted(sync.conversationId(), messages.size(), records.size(), skipped,
                    syncToken(userId, acks.get(acks.size() - 1)));
        });
    }

    @Operation(summary = "Delete a conversation and all of its messages",
            description = "Publishes one ConversationDeleted; 202 once Kafka acknowledged it, with a syncToken like POST's.")
    @DeleteMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<DeleteAccepted> delete(@AuthenticationPrincipal Jwt caller, @RequestParam(required = false) String conversationId,
            ServerHttpRequest request) {
        FieldViolation violation = ids.check("conversationId", conversationId);
        if (violation != null) {
            return Mono.error(ProblemException.invalid(List.of(violation)));
        }
        String userId = caller.getSubject();
        ConversationKey key = new ConversationKey(userId, conversationId);
        recent.forget(key, -1);
        Instant acceptedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return publisher.publish(List.of(record(key, ConversationEvents.conversationDeleted(userId, conversationId, acceptedAt))),
                        eventLoopOf(request))
                .map(acks -> {
                    RecordMetadata ack = acks.get(0);
                    recent.forget(key, ack.hasOffset() ? ack.offset() : -1);
                    metrics.published(1);
                    return new DeleteAccepted(conversationId, 1, syncToken(userId, ack));
                });
    }

    /** Where the acknowledged event landed, signed for its user; null if Kafka did not say (never with acks=all). */
    private String syncToken(String userId, RecordMetadata ack) {
        return ack.hasOffset() ? tokens.issue(userId, ack.partition(), ack.offset()) : null;
    }

    /** The Netty event loop serving this request's connection; any other server gets Reactor's parallel threads. */
    private static Executor eventLoopOf(ServerHttpRequest request) {
        if (ServerHttpRequestDecorator.getNativeRequest(request) instanceof Connection connection) {
            return connection.channel().eventLoop();
        }
        return task -> Schedulers.parallel().schedule(task);
    }

    private ProducerRecord<String, ConversationEvent> record(ConversationKey key, ConversationEvent event) {
        return new ProducerRecord<>(topic, key.toString(), event);
    }

    /** A message of the request with the fingerprint of the event that would publish it. */
    private record Candidate(SyncRequest.Message message, long fingerprint) implements RecentlyPublished.Fingerprinted {
        @Override
        public String messageId() {
            return message.id();
        }
    }

    /** The answer to an accepted sync: messages in the request, events published, messages skipped as unchanged. */
    record SyncAccepted(String conversationId, int accepted, int published, int skipped,
            @Schema(description = SYNC_TOKEN) String syncToken) {
    }

    record DeleteAccepted(String conversationId, int published, @Schema(description = SYNC_TOKEN) String syncToken) {
    }


    /**
     * The POST body, for the OpenAPI document only; parsing is {@link SyncRequestParser}'s. The
     * configured limits are added by {@link OpenApiLimits}.
     */
    record SyncBody(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = "[A-Za-z0-9._:@-]+") String conversationId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = "[A-Za-z0-9._:@-]+") String personaId,
            @Schema(nullable = true) String title,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<MessageBody> messages) {
    }

    @Schema(description = "A message: content, or parts (then content is the text of its text parts), or both.")
    record MessageBody(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = "[A-Za-z0-9._:@-]+") String id,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"user", "assistant", "system", "tool"}) String role,
            String content,
            @Schema(description = "ISO-8601 instant or epoch milliseconds", nullable = true) String createdAt,
            @Schema(nullable = true) List<PartBody> parts,
            @Schema(nullable = true, additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> metadata,
            @Schema(description = REVISION, nullable = true, minimum = "1", maximum = "2147483647") Integer revision) {
    }

    @Schema(description = "A part of a Vercel AI SDK UIMessage (text, reasoning, tool call, file, source...): "
            + "stored and returned as sent, only its type is read", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record PartBody(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "text") String type,
            @Schema(description = "The text of a text part") String text) {
    }
}
