package dev.chatsync.changes;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The changes feed both services keep ({@code chatsync.changes.*}): the persister prunes tombstones
 * of deleted conversations after the retention, and the API answers 410 to a cursor older than it,
 * so that a device away for longer reloads in full instead of missing a delete.
 *
 * @param tombstoneRetention how long a deleted conversation's tombstone, and so a feed cursor, stays good
 */
@ConfigurationProperties("chatsync.changes")
public record ChangesFeedProperties(@DefaultValue("30d") Duration tombstoneRetention) {
}
