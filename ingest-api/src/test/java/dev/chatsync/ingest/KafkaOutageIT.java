package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.web.reactive.function.client.WebClient;

import dev.chatsync.inprocess.KraftBroker;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageUpserted;
import dev.chatsync.testsupport.TcpProxy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Kafka goes away and comes back while the API keeps running: writes answer 503 with Retry-After
 * within the configured bound (never hang, never 202), the event loop keeps serving meanwhile, and
 * once a broker is back on the same address writes are accepted again without a restart.
 */
class KafkaOutageIT {

    private static final String TOPIC = "ingest-outage-" + UUID.randomUUID();
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

    private static TcpProxy forwarder;
    private static EmbeddedKafkaKraftBroker broker;
    private static TestJwks jwks;
    private static RunningApi api;
    private static WebClient http;

    @BeforeAll
    static void start() {
        forwarder = new TcpProxy("127.0.0.1", 0);
        broker = startBroker();
        jwks = new TestJwks();
        api = RunningApi.start(bootstrap(), TOPIC, jwks, Map.of(
                "chatsync.ingest.publish.timeout", PUBLISH_TIMEOUT.toMillis() + "ms",
                "chatsync.ingest.publish.retry-after", "3s"));
        http = WebClient.create("http://127.0.0.1:" + api.port());
    }

    @AfterAll
    static void stop() {
        api.close();
        jwks.close();
        if (broker != null) {
            broker.destroy();
        }
        forwarder.close();
    }

    @Test
    void writesAnswer503WhileKafkaIsDownAndRecoverWhenItIsBack() {
        assertThat(post("before", "m-before").block().status().value()).isEqualTo(202);

        broker.destroy();
        broker = null;
        forwarder.cut();

        // Several writes at once, more than there are event-loop threads, all waiting on Kafka.
        AtomicInteger finished = new AtomicInteger();
        List<Mono<Outcome>> pending = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pending.add(post("during-" + i, "m").doOnTerminate(finished::incrementAndGet).cache());
        }
        pending.forEach(Mono::subscribe);
        // The event loop still answers while they wait: sends never block a Netty thread.
        Outcome liveness = http.get().uri("/actuator/health/liveness").exchangeToMono(Outcome::of).block(Duration.ofSeconds(30));
        assertThat(liveness.status().value()).isEqualTo(200);
        assertThat(finished.get()).as("writes finished before liveness answered").isZero();

        long started = System.nanoTime();
        List<Outcome> outcomes = Flux.concat(pending).collectList().block(Duration.ofSeconds(60));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.status().value()).isEqualTo(503);
            assertThat(outcome.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(outcome.retryAfter()).isEqualTo("3");
            assertThat(outcome.body()).contains("\"status\":503");
        });
        // loosely: bounded by the publish timeout, not by Kafka's own (minutes-long) defaults
        assertThat(waited).isLessThan(PUBLISH_TIMEOUT.plusSeconds(20));
        assertThat(http.get().uri("/actuator/health/readiness").exchangeToMono(Outcome::of).block().status().value()).isEqualTo(503);

        broker = startBroker();
        Outcome recovered = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            recovered = post("after", "m-after").block(Duration.ofSeconds(30));
            if (recovered.status().value() == 202) {
                break;
            }
            assertThat(recovered.status().value()).isEqualTo(503);
        }
        assertThat(recovered.status().value()).isEqualTo(202);
        try (EventsTopicReader reader = new EventsTopicReader(bootstrap(), TOPIC)) {
            // the reader starts at the end; publish once more and see it arrive through the new broker
            assertThat(post("after-2", "m-after-2").block().status().value()).isEqualTo(202);
            List<ConsumerRecord<String, ConversationEvent>> records = reader.next(1);
            assertThat(records).extracting(r -> ((MessageUpserted) r.value().getPayload()).getMessageId()).contains("m-after-2");
        }
    }

    private Mono<Outcome> post(String conversationId, String messageId) {
        return http.post().uri("/api/messages")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token("user_outage"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Bodies.sync(conversationId, "p", null, List.of(Bodies.message(messageId, "user", "hello"))))
                .exchangeToMono(Outcome::of);
    }

    record Outcome(HttpStatusCode status, MediaType contentType, String retryAfter, String body) {
        static Mono<Outcome> of(org.springframework.web.reactive.function.client.ClientResponse response) {
            return response.bodyToMono(String.class).defaultIfEmpty("").map(body -> new Outcome(response.statusCode(),
                    response.headers().contentType().orElse(null), response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), body));
        }
    }

    private static String bootstrap() {
        return "127.0.0.1:" + forwarder.port();
    }

    /** A new broker (a new cluster, as after losing a single-node Kafka) behind the forwarder's fixed address. */
    private static EmbeddedKafkaKraftBroker startBroker() {
        EmbeddedKafkaKraftBroker started = KraftBroker.start(1, Map.of("advertised.listeners", "EXTERNAL://127.0.0.1:" + forwarder.port()));
        forwarder.retarget(Integer.parseInt(started.getBrokersAsString().substring(started.getBrokersAsString().lastIndexOf(':') + 1)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + TOPIC, e);
        }
        return started;
    }
}
