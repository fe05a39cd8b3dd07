package dev.chatsync.ingest.ingest;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How events reach Kafka ({@code chatsync.ingest.publish.*}).
 *
 * @param timeout       longest a POST/DELETE waits for Kafka to acknowledge all its events before it
 *                      answers 503; also bounds the producer's max.block.ms and request.timeout.ms
 * @param retryAfter    the Retry-After a 503 advises
 * @param senderThreads threads that call producer.send (which may block on metadata while Kafka is
 *                      away), so no Netty thread ever does
 * @param senderQueue   sends waiting for a sender thread; beyond it a request is answered 503 at once
 */
@ConfigurationProperties("chatsync.ingest.publish")
public record PublishProperties(
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("4") int senderThreads,
        @DefaultValue("10000") int senderQueue) {
}
