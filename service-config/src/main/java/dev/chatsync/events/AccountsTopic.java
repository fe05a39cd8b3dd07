package dev.chatsync.events;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.chatsync.schemas.EventTopics;

/**
 * The topic of account events ({@code chatsync.accounts.*}): ingest-api publishes every AccountEvent
 * (Clerk profile changes, account deletions) to it, keyed by user id; the persister consumes it.
 * Neither creates it in production.
 *
 * @param topic the topic of every AccountEvent; its dead-letter topic is {@code <topic>.DLT}
 */
@ConfigurationProperties("chatsync.accounts")
public record AccountsTopic(@DefaultValue(EventTopics.ACCOUNTS) String topic) {
}
