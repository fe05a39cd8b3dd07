package dev.chatsync.inprocess;

import java.util.HashMap;
import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real single-node Kafka broker (KRaft) in this JVM, configured as the local stack and the tests
 * need it: topics exist only once created, as in production where they are provisioned (a wrong
 * topic name fails instead of publishing into a new topic), and a consumer group starts at once
 * instead of waiting for more members to join.
 */
public final class KraftBroker {

    static final Map<String, String> SETTINGS = Map.of(
            "auto.create.topics.enable", "false",
            "group.initial.rebalance.delay.ms", "0");

    private KraftBroker() {
    }

    /**
     * Starts a broker; the caller owns it and must {@link EmbeddedKafkaKraftBroker#destroy() destroy} it.
     *
     * @param partitions      the broker's {@code num.partitions}
     * @param extraProperties broker properties on top of the shared settings
     */
    public static EmbeddedKafkaKraftBroker start(int partitions, Map<String, String> extraProperties) {
        Map<String, String> properties = new HashMap<>(SETTINGS);
        properties.putAll(extraProperties);
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        broker.brokerProperties(properties);
        broker.afterPropertiesSet();
        return broker;
    }
}
