package dev.chatsync.persister.consume;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.chatsync.persister.PersisterProperties;
import dev.chatsync.persister.resume.StoredPositionSeeker;

/**
 * The listener container: batch listener, offsets committed per batch once the listener returned
 * ({@code spring.kafka.listener.ack-mode: batch} in persister.yml), and a whole-batch retry without
 * limit for every failure the listener throws (the listener already dead-lettered what is the data's
 * fault, so anything thrown is worth retrying). Newly assigned partitions start at their positions in
 * kafka_offsets when those are ahead of the group's offsets ({@link StoredPositionSeeker}).
 */
@Configuration(proxyBeanMethods = false)
class ListenerConfiguration {

    static final String CONTAINER_FACTORY = "persisterContainerFactory";

    @Bean
    DefaultKafkaConsumerFactoryCustomizer persisterConsumerSettings(PersisterProperties properties) {
        return factory -> factory.updateConfigs(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, properties.groupId(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxBatchSize()));
    }

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<Object, Object> persisterContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumerFactory,
            PersisterProperties properties, StoredPositionSeeker seeker) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, consumerFactory);
        factory.setBatchListener(true);
        factory.setConcurrency(properties.concurrency());
        factory.setCommonErrorHandler(retryingErrorHandler(properties.retry()));
        factory.getContainerProperties().setConsumerRebalanceListener(seeker);
        return factory;
    }

    /**
     * DefaultErrorHandler hands a batch listener's exception to its FallbackBatchErrorHandler, which
     * pauses the partitions, keeps polling between attempts (so max.poll.interval.ms is never exceeded
     * while the backoff stays below it) and re-invokes the listener with the same records. The backoff
     * never runs out, so the recoverer is unreachable: a database outage never skips records.
     */
    private static DefaultErrorHandler retryingErrorHandler(PersisterProperties.Retry retry) {
        ExponentialBackOff backOff = new ExponentialBackOff(retry.initialBackoff().toMillis(), 2.0);
        backOff.setMaxInterval(retry.maxBackoff().toMillis());
        DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> {
            throw new IllegalStateException("unbounded retries ended for " + record, exception);
        }, backOff);
        // Retry everything, even exceptions Spring considers fatal by default (the listener decodes itself).
        handler.setClassifications(Map.of(), true);
        return handler;
    }
}
