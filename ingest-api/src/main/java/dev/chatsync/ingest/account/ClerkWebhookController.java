package dev.chatsync.ingest.account;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.ingest.account.WebhookOutcomes.Outcome;
import dev.chatsync.ingest.dedup.DeliveredWebhooks;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.AccountDeleted;
import dev.chatsync.schemas.event.AccountEvent;
import dev.chatsync.schemas.event.DeletionSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import reactor.core.publisher.Mono;

/**
 * {@code POST /webhooks/clerk}: Clerk's user webhooks, delivered by Svix. Only exists when a signing
 * secret is configured. The body is read whole (bounded) where Netty put it, then checked in this order,
 * each failure a 400 naming the header or JSON path and nothing published: signature and timestamp
 * ({@link SvixSignature}), the payload ({@link ClerkWebhookParser}); a delivery whose svix-id this
 * instance already took is acknowledged without effect. user.created / user.updated publish a
 * UserProfileChanged, user.deleted an AccountDeleted, each with the svix-id as its event id; other types
 * are acknowledged and ignored. 200 once Kafka acknowledged (Svix retries anything else).
 */
@RestController
@ConditionalOnExpression("!'${chatsync.clerk-webhook.secret:}'.isBlank()")
class ClerkWebhookController {

    private final SvixSignature signature;
    private final ClerkWebhookParser parser = new ClerkWebhookParser();
    private final DeliveredWebhooks delivered;
    private final AccountEventPublisher publisher;
    private final WebhookOutcomes outcomes;
    private final int maxBodyBytes;

    ClerkWebhookController(ClerkWebhookProperties properties, AccountEventPublisher publisher, MeterRegistry meters) {
        this.signature = new SvixSignature(properties.secret(), properties.tolerance());
        this.delivered = new DeliveredWebhooks(properties.tolerance(), properties.rememberedIds());
        this.publisher = publisher;
        this.outcomes = new WebhookOutcomes(meters);
        this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, properties.maxBodyBytes().toBytes());
    }

    @Operation(summary = "Clerk's webhooks (user.created, user.updated, user.deleted), verified as Svix signs them",
            description = "Not behind a session token: the Svix signature (svix-id, svix-timestamp, svix-signature headers) "
                    + "authenticates the delivery. 200 once the account event is durably queued, also for a replayed svix-id "
                    + "(replayed: true, nothing published) and for event types chat-sync ignores.")
    @PostMapping(path = "/webhooks/clerk", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<WebhookAccepted> receive(@RequestHeader(name = "svix-id", required = false) String id,
            @RequestHeader(name = "svix-timestamp", required = false) String timestamp,
            @RequestHeader(name = "svix-signature", required = false) String signatures,
            ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), maxBodyBytes)
                .onErrorMap(DataBufferLimitException.class, e -> {
                    outcomes.count(Outcome.TOO_LARGE);
                    return ProblemException.tooLarge(maxBodyBytes);
                })
                .map(buffer -> {
                    try {
                        byte[] body = new byte[buffer.readableByteCount()];
                        buffer.read(body);
                        return body;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> accept(id, timestamp, signatures, body));
    }

    private Mono<WebhookAccepted> accept(String id, String timestamp, String signatures, byte[] body) {
        Instant now = Instant.now();
        FieldViolation forged = signature.check(id, timestamp, signatures, body, now);
        if (forged != null) {
            outcomes.refused(forged);
            return Mono.error(ProblemException.invalid(List.of(forged)));
        }
        ClerkWebhook webhook;
        try {
            webhook = parser.parse(body);
        } catch (ProblemException e) {
            outcomes.count(Outcome.MALFORMED);
            throw e;
        }
        AccountEvent event = eventOf(id, webhook, now.truncatedTo(ChronoUnit.MILLIS));
        if (event == null) {
            outcomes.count(Outcome.IGNORED);
            return Mono.just(new WebhookAccepted(id, webhook.type(), 0, false));
        }
        if (!delivered.claim(id)) {
            outcomes.count(Outcome.REPLAYED);
            return Mono.just(new WebhookAccepted(id, webhook.type(), 0, true));
        }
        return publisher.publish(event)
                .doOnSuccess(published -> outcomes.count(Outcome.PUBLISHED))
                .doOnError(failure -> delivered.release(id))
                .doOnCancel(() -> delivered.release(id))
                .thenReturn(new WebhookAccepted(id, webhook.type(), 1, false));
    }

    private static AccountEvent eventOf(String svixId, ClerkWebhook webhook, Instant acceptedAt) {
        if (webhook instanceof ClerkWebhook.ProfileChanged changed) {
            return Envelopes.of(svixId, changed.userId(), acceptedAt, changed.profile());
        }
        if (webhook instanceof ClerkWebhook.Deleted deleted) {
            return Envelopes.of(svixId, deleted.userId(), acceptedAt, new AccountDeleted(DeletionSource.clerk));
        }
        return null;
    }

    /** @param published account events published for this delivery; @param replayed the svix-id was already taken */
    record WebhookAccepted(String svixId, String type, int published, boolean replayed) {
    }
}
