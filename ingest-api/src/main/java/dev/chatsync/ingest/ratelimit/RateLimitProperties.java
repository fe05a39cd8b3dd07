package dev.chatsync.ingest.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Per-user request rate ({@code chatsync.ingest.rate-limit.*}): a token bucket per user over every
 * /api/** request. A chat UI syncs every 5 minutes and 2 s after the last message, plus a few reads
 * per page view; the defaults leave it far from the limit while stopping a runaway client.
 *
 * @param capacity        burst size, in requests
 * @param refillPerSecond sustained requests per second
 * @param maxUsers        buckets kept; beyond it the least active users' buckets are dropped
 *                        (such a user starts again with a full bucket)
 */
@ConfigurationProperties("chatsync.ingest.rate-limit")
public record RateLimitProperties(
        @DefaultValue("60") int capacity,
        @DefaultValue("5") double refillPerSecond,
        @DefaultValue("100000") int maxUsers) {
}
