package dev.chatsync.ingest.publish;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How events reach Kafka ({@code chatsync.ingest.publish.*}).
 *
 * @param timeout     longest a POST/DELETE waits for Kafka to acknowledge all its events before it
 *                    answers 503; also the producer's request.timeout.ms
 * @param retryAfter  the Retry-After a 503 advises
 * @param maxDeferred requests at most retrying at once because the producer could not take their
 *                    events (no topic metadata while Kafka is away, buffer full); beyond it a request
 *                    is answered 503 at once instead of piling up
 */
@ConfigurationProperties("chatsync.ingest.publish")
public record PublishProperties(
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("10000") int maxDeferred) {
}
