package dev.chatsync.persister.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.chatsync.events.EventsTopic;
import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.persister.decode.RecordDecoder;
import dev.chatsync.persister.health.DatabaseWriteHealth;
import dev.chatsync.persister.metrics.PersisterMetrics;
import dev.chatsync.persister.metrics.Stage;
import dev.chatsync.persister.write.BatchResult;
import dev.chatsync.persister.write.BatchWriter;
import dev.chatsync.persister.write.RetriableBatchException;

/**
 * The head of the pipeline: one poll batch in, decoded, written in one transaction. Returning normally
 * lets the container commit the batch's offsets (after the database commit); throwing hands the whole
 * batch to the retrying error handler of {@link ListenerConfiguration}, with nothing committed.
 */
@Component
class EventsListener {

    private static final Logger log = LoggerFactory.getLogger(EventsListener.class);

    private final BatchWriter writer;
    private final DatabaseWriteHealth health;
    private final PersisterMetrics metrics;
    private final String topic;

    EventsListener(BatchWriter writer, DatabaseWriteHealth health, PersisterMetrics metrics, EventsTopic topic) {
        this.writer = writer;
        this.health = health;
        this.metrics = metrics;
        this.topic = topic.topic();
    }

    /** The topic the listener subscribes to, read by its annotation as {@code __listener.topic()}. */
    public String topic() {
        return topic;
    }

    @KafkaListener(id = "persister", idIsGroup = false, topics = "#{__listener.topic()}",
            containerFactory = ListenerConfiguration.CONTAINER_FACTORY, batch = "true")
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        long decoding = System.nanoTime();
        List<Decoded> batch = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            batch.add(RecordDecoder.decode(record));
        }
        long started = metrics.timed(Stage.DECODE, decoding);
        BatchResult result;
        try {
            result = writer.write(batch);
        } catch (RetriableBatchException e) {
            health.batchFailed(e);
            metrics.retrying();
            log.warn("batch of {} records not written, retrying: {}", records.size(), e.getMessage());
            throw e;
        }
        health.batchCommitted();
        metrics.committed(records.size(), result, Duration.ofNanos(System.nanoTime() - started));
        if (result.deadLettered() > 0) {
            log.warn("batch of {} records committed with {} dead-lettered", records.size(), result.deadLettered());
        }
    }
}
