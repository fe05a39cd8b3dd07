package dev.chatsync.ingest.dedup;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The cache of recently published messages ({@code chatsync.ingest.dedup.*}) that lets re-syncs skip
 * Kafka. Only an optimisation: a miss republishes, which the persister absorbs.
 *
 * @param maxMessages messages remembered across all conversations (about 100 bytes each)
 * @param ttl         how long a remembered message is trusted; bounds how stale this instance's view
 *                    can be when other instances publish the same conversation
 */
@ConfigurationProperties("chatsync.ingest.dedup")
public record DedupProperties(
        @DefaultValue("200000") int maxMessages,
        @DefaultValue("10m") Duration ttl) {
}
