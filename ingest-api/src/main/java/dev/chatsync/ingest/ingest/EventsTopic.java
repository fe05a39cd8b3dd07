package dev.chatsync.ingest.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.chatsync.schemas.EventTopics;

/**
 * The topic every ConversationEvent goes to ({@code chatsync.events.topic}, env EVENTS_TOPIC), shared
 * with the persister. This service never creates it.
 */
@ConfigurationProperties("chatsync.events")
public record EventsTopic(@DefaultValue(EventTopics.EVENTS) String topic) {
}
