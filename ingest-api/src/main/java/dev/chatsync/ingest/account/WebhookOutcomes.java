package dev.chatsync.ingest.account;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import dev.chatsync.ingest.problem.FieldViolation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Clerk webhook deliveries by what became of them, {@code chatsync.ingest.webhooks{outcome}}. Refusals are
 * also in {@code chatsync.ingest.rejected} with every other 4xx; only here are forgeries told apart from
 * stale deliveries, and deliveries acknowledged without effect counted at all.
 */
final class WebhookOutcomes {

    enum Outcome {
        /** An account event was published. */
        PUBLISHED,
        /** The svix-id was taken before: acknowledged, nothing published. */
        REPLAYED,
        /** An event type chat-sync does not act on: acknowledged, nothing published. */
        IGNORED,
        /** A missing or malformed svix header, or no signature matching the secret. */
        BAD_SIGNATURE,
        /** Signed, but svix-timestamp lies outside the tolerance. */
        EXPIRED,
        /** Signed and recent, but the payload breaks a rule. */
        MALFORMED,
        /** A body beyond max-body-bytes. */
        TOO_LARGE
    }

    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

    WebhookOutcomes(MeterRegistry meters) {
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, Counter.builder("chatsync.ingest.webhooks").tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .description("Clerk webhook deliveries by outcome").register(meters));
        }
    }

    void count(Outcome outcome) {
        counters.get(outcome).increment();
    }

    /** Counts a delivery SvixSignature refused. */
    void refused(FieldViolation forged) {
        count("svix-timestamp".equals(forged.field()) && "tolerance".equals(forged.rule()) ? Outcome.EXPIRED : Outcome.BAD_SIGNATURE);
    }
}
