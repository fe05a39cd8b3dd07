package dev.chatsync.ingest.publish;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Kafka producer behind {@link EventPublisher}. Connection settings (bootstrap servers, SASL,
 * SSL) come from {@code spring.kafka.*}; durability and time bounds are fixed here because the 202
 * contract depends on them.
 */
@Configuration(proxyBeanMethods = false)
class PublisherConfiguration {

    @Bean(destroyMethod = "close")
    EventPublisher eventPublisher(KafkaProperties kafka, PublishProperties publish, MeterRegistry meters) {
        Map<String, Object> config = kafka.buildProducerProperties();
        // 202 means durably queued: every in-sync replica has it, and retries never duplicate or reorder.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // send runs on Netty's event loop and must never wait: with 0 it enqueues the record or refuses
        // it at once (no topic metadata, buffer full), and EventPublisher retries the refusal later.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        // A request waits at most publish.timeout; the producer need not try longer than that for it.
        int timeoutMs = (int) publish.timeout().toMillis();
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
        // Must be >= linger.ms + request.timeout.ms; twice the timeout leaves one retry after a lost request.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2 * timeoutMs + 1);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ingest-api");
        KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(), new EventSerializer());
        return new EventPublisher(producer, publish, meters);
    }
}
