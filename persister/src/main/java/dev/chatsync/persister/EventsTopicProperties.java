package dev.chatsync.persister;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.chatsync.schemas.EventTopics;

/**
 * The events topic shared with ingest-api ({@code chatsync.events.*}).
 *
 * @param topic the topic of every ConversationEvent; its dead-letter topic is {@code <topic>.DLT}
 */
@ConfigurationProperties("chatsync.events")
public record EventsTopicProperties(@DefaultValue(EventTopics.EVENTS) String topic) {
}
