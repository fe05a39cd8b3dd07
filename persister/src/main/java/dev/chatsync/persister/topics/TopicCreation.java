package dev.chatsync.persister.topics;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

import dev.chatsync.events.AccountsTopic;
import dev.chatsync.events.EventsTopic;
import dev.chatsync.persister.PersisterProperties;
import dev.chatsync.schemas.EventTopics;

/**
 * Creates the events topic, the accounts topic and their dead-letter topics when absent, for local stacks only
 * ({@code chatsync.persister.create-topics=true}); Spring's KafkaAdmin leaves existing topics alone.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("chatsync.persister.create-topics")
class TopicCreation {

    @Bean
    NewTopic eventsTopic(EventsTopic topic, PersisterProperties properties) {
        return TopicBuilder.name(topic.topic()).partitions(properties.partitions()).build();
    }

    @Bean
    NewTopic deadLetterTopic(EventsTopic topic, PersisterProperties properties) {
        return TopicBuilder.name(EventTopics.deadLetterOf(topic.topic())).partitions(properties.partitions()).build();
    }

    @Bean
    NewTopic accountsTopic(AccountsTopic topic, PersisterProperties properties) {
        return TopicBuilder.name(topic.topic()).partitions(properties.partitions()).build();
    }

    @Bean
    NewTopic accountsDeadLetterTopic(AccountsTopic topic, PersisterProperties properties) {
        return TopicBuilder.name(EventTopics.deadLetterOf(topic.topic())).partitions(properties.partitions()).build();
    }
}
