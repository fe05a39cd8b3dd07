package dev.chatsync.ingest.synctoken;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sync tokens ({@code chatsync.ingest.sync-token.*}): how they are signed and how long a read given
 * one waits for the persister.
 *
 * @param secret     base64 key of at least 32 bytes that signs the tokens; every API instance serving the
 *                   same front ends needs the same one. Unset, each process signs with a random key of its
 *                   own, which suits one instance: a token shown to another instance is then refused (400)
 * @param maxWait    longest a read given a token waits for the persister to commit past it; then it reads
 *                   anyway and says so ({@code Chat-Sync-Consistent: false})
 * @param maxWaiters reads at most waiting at once; beyond it a read does not wait (and says so)
 */
@ConfigurationProperties("chatsync.ingest.sync-token")
public record SyncTokenProperties(
        String secret,
        @DefaultValue("2s") Duration maxWait,
        @DefaultValue("10000") int maxWaiters) {
}
