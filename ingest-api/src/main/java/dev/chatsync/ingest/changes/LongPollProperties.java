package dev.chatsync.ingest.changes;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Long polls of the changes feed ({@code chatsync.ingest.long-poll.*}).
 *
 * @param maxWaiters long polls that may wait at once on this instance; beyond it a poll is answered at once
 * @param interval   how often the change watcher looks for changes while long polls wait (one statement for all of them)
 */
@ConfigurationProperties("chatsync.ingest.long-poll")
public record LongPollProperties(
        @DefaultValue("10000") int maxWaiters,
        @DefaultValue("100ms") Duration interval) {
}
