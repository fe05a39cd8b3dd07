package dev.chatsync.events;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.chatsync.schemas.EventTopics;

/**
 * The topic both services share ({@code chatsync.events.*}): ingest-api publishes every
 * ConversationEvent to it, the persister consumes it. Neither creates it in production.
 *
 * @param topic the topic of every ConversationEvent; its dead-letter topic is {@code <topic>.DLT}
 */
@ConfigurationProperties("chatsync.events")
public record EventsTopic(@DefaultValue(EventTopics.EVENTS) String topic) {
}
