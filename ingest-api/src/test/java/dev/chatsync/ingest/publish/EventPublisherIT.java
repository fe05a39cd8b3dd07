package dev.chatsync.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.Disposable;

/**
 * The publisher as the API builds it ({@link PublisherConfiguration}, max.block.ms=0) against a real broker:
 * sends start on the calling thread (a Netty event loop in the API) and must never wait there. What
 * the producer cannot take at once is retried off that thread, in order, and bounded.
 */
class EventPublisherIT {

    // in these tests completions run where they happen; the API hands them to the request's event loop
    private static final Executor WHERE_IT_HAPPENS = Runnable::run;

    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aNewProducerRetriesUntilItKnowsTheTopicAndKeepsTheRequestsOrder() {
        String topic = "publisher-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 1);
        try (EventPublisher publisher = publisher(TestKafka.shared().bootstrapServers(), Duration.ofSeconds(30), 100)) {
            // A new producer knows no topic yet, so it refuses the first record instead of waiting for metadata.
            List<RecordMetadata> first = publisher.publish(records(topic, 5), WHERE_IT_HAPPENS).block(Duration.ofSeconds(60));
            assertThat(first).extracting(RecordMetadata::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(deferred()).isEqualTo(1);

            // Now it knows the topic: the next request is taken at once, on the calling thread.
            List<RecordMetadata> second = publisher.publish(records(topic, 3), WHERE_IT_HAPPENS).block(Duration.ofSeconds(60));
            assertThat(second).extracting(RecordMetadata::offset).containsExactly(5L, 6L, 7L);
            assertThat(deferred()).isEqualTo(1);
            assertThat(waiting()).isZero();
        }
    }

    @Test
    void whileKafkaIsAwayTheCallerNeverWaitsAndTheRequestEndsIn503AtItsDeadline() throws Exception {
        try (EventPublisher publisher = publisher("127.0.0.1:" + portNobodyListensOn(), Duration.ofSeconds(2), 100)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            publisher.publish(records("nowhere", 2), WHERE_IT_HAPPENS).subscribe(acks -> { }, failure::set);
            // subscribe ran the sends; had one waited for Kafka, the 2 s deadline would have ended the request first
            assertThat(failure.get()).as("ended before subscribe returned").isNull();
            assertThat(waiting()).isEqualTo(1);

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(failure.get()).isInstanceOfSatisfying(ProblemException.class,
                    problem -> assertThat(problem.status().value()).isEqualTo(503));
            assertThat(waiting()).isZero();
            assertThat(meters.counter("chatsync.ingest.publish.unavailable").count()).isEqualTo(1);
        }
    }

    @Test
    void beyondMaxDeferredARequestIsAnswered503AtOnce() throws Exception {
        try (EventPublisher publisher = publisher("127.0.0.1:" + portNobodyListensOn(), Duration.ofSeconds(30), 2)) {
            List<AtomicReference<Throwable>> failures = new ArrayList<>();
            List<Disposable> requests = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                AtomicReference<Throwable> failure = new AtomicReference<>();
                failures.add(failure);
                requests.add(publisher.publish(records("nowhere", 1), WHERE_IT_HAPPENS).subscribe(acks -> { }, failure::set));
            }
            // the first two wait for Kafka (30 s); the third found no room and was refused on the spot
            assertThat(failures.get(0).get()).isNull();
            assertThat(failures.get(1).get()).isNull();
            assertThat(failures.get(2).get()).isInstanceOfSatisfying(ProblemException.class,
                    problem -> assertThat(problem.status().value()).isEqualTo(503));
            assertThat(waiting()).isEqualTo(2);

            // a client hanging up frees its room
            requests.get(0).dispose();
            assertThat(waiting()).isEqualTo(1);
            AtomicReference<Throwable> next = new AtomicReference<>();
            Disposable admitted = publisher.publish(records("nowhere", 1), WHERE_IT_HAPPENS).subscribe(acks -> { }, next::set);
            assertThat(next.get()).isNull();
            assertThat(waiting()).isEqualTo(2);
            admitted.dispose();
            requests.get(1).dispose();
            assertThat(waiting()).isZero();
        }
    }

    private EventPublisher publisher(String bootstrapServers, Duration timeout, int maxDeferred) {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of(bootstrapServers));
        return new PublisherConfiguration().eventPublisher(kafka, new PublishProperties(timeout, Duration.ofSeconds(5), maxDeferred), meters);
    }

    private static List<ProducerRecord<String, ConversationEvent>> records(String topic, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new ProducerRecord<>(topic, "user_1/c1", Envelopes.of("user_1", "c1", Instant.now(), new ConversationDeleted())))
                .toList();
    }

    private double deferred() {
        return meters.counter("chatsync.ingest.publish.deferred").count();
    }

    private double waiting() {
        return meters.get("chatsync.ingest.publish.waiting").gauge().value();
    }

    private static int portNobodyListensOn() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
