package dev.chatsync.ingest.publish;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chatsync.ingest.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes one request's events and completes only when Kafka acknowledged every one of them
 * (acks=all), or fails with a 503 problem once {@link PublishProperties#timeout()} has passed.
 *
 * <p>Sends start on the calling thread, a Netty event loop, so they must never wait. The producer
 * is built with max.block.ms=0 ({@link PublisherConfiguration}): {@code send} then either enqueues the record
 * or refuses it at once with a {@link TimeoutException}, when it has no metadata for the topic (just
 * started, or dropped after the broker went away) or its buffer is full. A refused request retries
 * from the refused record with backoff until its deadline, at most
 * {@link PublishProperties#maxDeferred()} requests at a time; beyond that it is answered 503 at once.
 * The producer reconnects by itself, so the API recovers when Kafka returns.
 */
public final class EventPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    private static final long FIRST_RETRY_MILLIS = 10;
    private static final long LONGEST_RETRY_MILLIS = 200;

    private final Producer<String, SpecificRecord> producer;
    private final PublishProperties properties;
    private final Scheduler retries = Schedulers.parallel();
    private final AtomicInteger deferred = new AtomicInteger();
    private final Timer latency;
    private final Counter deferrals;
    private final MeterRegistry meters;

    EventPublisher(Producer<String, SpecificRecord> producer, PublishProperties properties, MeterRegistry meters) {
        this.producer = producer;
        this.properties = properties;
        this.meters = meters;
        this.latency = Timer.builder("chatsync.ingest.publish.latency")
                .description("From the first send to Kafka's acknowledgement of a request's last event")
                .publishPercentileHistogram()
                .register(meters);
        this.deferrals = Counter.builder("chatsync.ingest.publish.deferred")
                .description("Requests whose events the producer could not take at once (no topic metadata, buffer full), retried with backoff")
                .register(meters);
        Gauge.builder("chatsync.ingest.publish.waiting", deferred, AtomicInteger::get)
                .description("Requests retrying right now because the producer could not take their events")
                .register(meters);
    }

    /**
     * @param completions where the rest of the request runs once Kafka answered: acknowledgements
     *                    arrive on the producer's single I/O thread, which should only talk to Kafka.
     *                    The request's own event loop, where its response is written anyway, saves a
     *                    thread hop per request.
     */
    public Mono<List<RecordMetadata>> publish(List<? extends ProducerRecord<String, ? extends SpecificRecord>> records, Executor completions) {
        return Mono.<List<RecordMetadata>>create(sink -> {
                    Publication publication = new Publication(records, completions, sink);
                    sink.onDispose(publication::end);
                    publication.sendFrom(0, 0);
                })
                .timeout(properties.timeout())
                .onErrorMap(failure -> !(failure instanceof ProblemException), this::unavailable);
    }

    private ProblemException unavailable(Throwable failure) {
        meters.counter("chatsync.ingest.publish.unavailable").increment();
        String why = failure instanceof java.util.concurrent.TimeoutException
                ? "Kafka did not acknowledge within " + properties.timeout().toMillis() + " ms"
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        log.warn("answering 503: {}", why);
        return ProblemException.unavailable("The event log is not accepting writes right now; nothing was stored. Retry later.",
                properties.retryAfter());
    }

    /** One request's events on their way to Kafka, from the first send to the last acknowledgement. */
    private final class Publication {

        private final List<? extends ProducerRecord<String, ? extends SpecificRecord>> records;
        private final Executor completions;
        private final MonoSink<List<RecordMetadata>> sink;
        private final RecordMetadata[] acknowledged;
        private final AtomicInteger unacknowledged;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final AtomicBoolean countedAsDeferred = new AtomicBoolean();
        private final long started = System.nanoTime();
        // written and read by the thread in sendFrom: the producer calls back on the sending thread
        // when it refuses a record
        private int refused = -1;

        Publication(List<? extends ProducerRecord<String, ? extends SpecificRecord>> records, Executor completions, MonoSink<List<RecordMetadata>> sink) {
            this.records = records;
            this.completions = completions;
            this.sink = sink;
            this.acknowledged = new RecordMetadata[records.size()];
            this.unacknowledged = new AtomicInteger(records.size());
        }

        /** Sends the records from {@code first} on, in order; never waits. */
        void sendFrom(int first, int attempt) {
            Thread sending = Thread.currentThread();
            for (int i = first; i < records.size() && !ended.get(); i++) {
                int index = i;
                refused = -1;
                try {
                    producer.send(asSent(records.get(i)), (metadata, failure) -> acknowledged(index, metadata, failure, sending));
                } catch (RuntimeException e) {
                    // producer closed, serializer failure
                    fail(e);
                    return;
                }
                if (refused == index) {
                    retryFrom(index, attempt);
                    return;
                }
            }
        }

        // The producer's serializer takes every event type (EventSerializer); a record's own value type is
        // only narrower, so this unchecked view of it is safe.
        @SuppressWarnings("unchecked")
        private ProducerRecord<String, SpecificRecord> asSent(ProducerRecord<String, ? extends SpecificRecord> record) {
            return (ProducerRecord<String, SpecificRecord>) record;
        }

        private void acknowledged(int index, RecordMetadata metadata, Exception failure, Thread sending) {
            if (failure == null) {
                acknowledged[index] = metadata;
                if (unacknowledged.decrementAndGet() == 0 && ended.compareAndSet(false, true)) {
                    latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    completions.execute(() -> sink.success(Arrays.asList(acknowledged)));
                }
            } else if (failure instanceof TimeoutException && Thread.currentThread() == sending) {
                // refused inside send, so not enqueued; a timeout on the I/O thread is a record Kafka never acknowledged
                refused = index;
            } else {
                fail(failure);
            }
        }

        private void retryFrom(int index, int attempt) {
            if (countedAsDeferred.compareAndSet(false, true)) {
                if (deferred.incrementAndGet() > properties.maxDeferred()) {
                    fail(new IllegalStateException(properties.maxDeferred() + " requests are already waiting for the producer"));
                    return;
                }
                deferrals.increment();
                if (ended.get()) {
                    end();
                    return;
                }
            }
            long delay = Math.min(LONGEST_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempt, 5));
            retries.schedule(() -> sendFrom(index, attempt + 1), delay, TimeUnit.MILLISECONDS);
        }

        private void fail(Throwable failure) {
            if (ended.compareAndSet(false, true)) {
                completions.execute(() -> sink.error(failure));
            }
        }

        /** Answered, failed or cancelled (the timeout, a client gone): no more sends, its retry slot freed. */
        void end() {
            ended.set(true);
            if (countedAsDeferred.compareAndSet(true, false)) {
                deferred.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        producer.close(properties.timeout());
    }
}
