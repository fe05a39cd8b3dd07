package dev.chatsync.ingest.synctoken;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Signing of sync tokens ({@code chatsync.ingest.sync-token.*}).
 *
 * @param secret base64 key of at least 32 bytes that signs the tokens; every API instance serving the
 *               same front ends needs the same one. Unset, each process signs with a random key of its
 *               own, which suits one instance: a token shown to another instance is then refused (400)
 */
@ConfigurationProperties("chatsync.ingest.sync-token")
public record SyncTokenProperties(String secret) {
}
