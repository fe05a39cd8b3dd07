package dev.chatsync.ingest.publish;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Kafka as the readiness probe sees it: up when the cluster answers a describe within a second.
 * Part of the readiness group, so a load balancer stops sending writes that could only end in 503.
 */
@Component("kafka")
class KafkaHealthIndicator implements ReactiveHealthIndicator, DisposableBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final Admin admin;

    KafkaHealthIndicator(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildAdminProperties();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ingest-api-health");
        this.admin = Admin.create(config);
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromCompletionStage(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                        .clusterId().toCompletionStage())
                .map(clusterId -> Health.up().withDetail("clusterId", clusterId).build())
                .timeout(TIMEOUT.plusMillis(500))
                .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.getClass().getSimpleName()).build()));
    }

    @Override
    public void destroy() {
        admin.close(TIMEOUT);
    }
}
