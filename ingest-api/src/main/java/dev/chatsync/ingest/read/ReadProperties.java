package dev.chatsync.ingest.read;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Reads from Postgres ({@code chatsync.ingest.read.*}).
 *
 * @param defaultPageSize messages per page when the client asks for no limit; a typical conversation fits in one
 * @param maxPageSize     the largest {@code limit} a client may ask for
 * @param queueSize       reads waiting for a JDBC thread; beyond it a read is refused with 503
 * @param timeout         longest a read may take (waiting for a connection included, e.g. while Neon wakes
 *                        from suspend) before it is answered 503 with Retry-After
 * @param dailyLimit      user messages per UTC day a chat front end should allow (reported by /api/usage)
 */
@ConfigurationProperties("chatsync.ingest.read")
public record ReadProperties(
        @DefaultValue("500") int defaultPageSize,
        @DefaultValue("2000") int maxPageSize,
        @DefaultValue("1000") int queueSize,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("100") int dailyLimit) {
}
