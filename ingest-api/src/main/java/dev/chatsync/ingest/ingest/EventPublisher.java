package dev.chatsync.ingest.ingest;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.schemas.event.ConversationEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes one request's events and completes only when Kafka acknowledged every one of them
 * (acks=all), or fails with a 503 problem once {@link PublishProperties#timeout()} has passed.
 *
 * <p>{@code producer.send} blocks the calling thread while the producer has no metadata for the
 * topic (Kafka away, up to max.block.ms) or its buffer is full, so sends run on a small bounded pool
 * of sender threads, never on a Netty event loop. While Kafka is away those threads block and the
 * queue in front of them fills: requests then fail fast with 503 instead of piling up. The producer
 * reconnects by itself, so the API recovers when Kafka returns.
 */
final class EventPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final Producer<String, ConversationEvent> producer;
    private final PublishProperties properties;
    private final Scheduler senders;
    private final Timer latency;
    private final MeterRegistry meters;

    EventPublisher(Producer<String, ConversationEvent> producer, PublishProperties properties, MeterRegistry meters) {
        this.producer = producer;
        this.properties = properties;
        this.senders = Schedulers.newBoundedElastic(properties.senderThreads(), properties.senderQueue(), "kafka-send");
        this.meters = meters;
        this.latency = Timer.builder("chatsync.ingest.publish.latency")
                .description("From the first send to Kafka's acknowledgement of a request's last event")
                .publishPercentileHistogram()
                .register(meters);
    }

    /**
     * @param completions where the rest of the request runs once Kafka answered: acknowledgements
     *                    arrive on the producer's single I/O thread, which should only talk to Kafka.
     *                    The request's own event loop, where its response is written anyway, saves a
     *                    thread hop per request.
     */
    Mono<List<RecordMetadata>> publish(List<ProducerRecord<String, ConversationEvent>> records, Executor completions) {
        return Mono.<List<RecordMetadata>>create(sink -> {
                    long started = System.nanoTime();
                    AtomicBoolean done = new AtomicBoolean();
                    sink.onCancel(() -> done.set(true));
                    RecordMetadata[] acknowledged = new RecordMetadata[records.size()];
                    AtomicInteger remaining = new AtomicInteger(records.size());
                    for (int i = 0; i < records.size() && !done.get(); i++) {
                        int index = i;
                        try {
                            producer.send(records.get(i), (metadata, failure) -> {
                                if (failure != null) {
                                    if (done.compareAndSet(false, true)) {
                                        completions.execute(() -> sink.error(failure));
                                    }
                                } else {
                                    acknowledged[index] = metadata;
                                    if (remaining.decrementAndGet() == 0 && done.compareAndSet(false, true)) {
                                        latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                                        completions.execute(() -> sink.success(Arrays.asList(acknowledged)));
                                    }
                                }
                            });
                        } catch (RuntimeException e) {
                            // metadata wait (max.block.ms) ran out, buffer exhausted, producer closed
                            if (done.compareAndSet(false, true)) {
                                sink.error(e);
                            }
                        }
                    }
                })
                .subscribeOn(senders)
                .timeout(properties.timeout())
                .onErrorMap(failure -> !(failure instanceof ProblemException), this::unavailable);
    }

    private ProblemException unavailable(Throwable failure) {
        meters.counter("chatsync.ingest.publish.unavailable").increment();
        String why = failure instanceof TimeoutException
                ? "Kafka did not acknowledge within " + properties.timeout().toMillis() + " ms"
                : failure.getClass().getSimpleName();
        log.warn("answering 503: {}", why);
        return ProblemException.unavailable("The event log is not accepting writes right now; nothing was stored. Retry later.",
                properties.retryAfter());
    }

    @Override
    public void close() {
        senders.dispose();
        producer.close(properties.timeout());
    }
}
