package dev.chatsync.persister.topics;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.Uuid;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Kafka's id of each topic, which kafka_offsets is keyed by: records carry only the topic name, and a
 * topic deleted and re-created under the same name restarts at offset 0 with a new id.
 */
@Component
public class TopicIds {

    private final KafkaAdmin admin;
    private final Map<String, UUID> ids = new ConcurrentHashMap<>();

    TopicIds(KafkaAdmin admin) {
        this.admin = admin;
    }

    public UUID idOf(String topic) {
        return ids.computeIfAbsent(topic, name -> {
            Uuid id = admin.describeTopics(name).get(name).topicId();
            return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
        });
    }
}
