package dev.chatsync.persister.deadletter;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;

import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.schemas.EventTopics;

/**
 * Publishes dead letters, records that can never be written, to {@code <topic>.DLT}, with the original
 * bytes and Spring Kafka's standard headers (kafka_dlt-exception-fqcn, -message, -stacktrace,
 * kafka_dlt-original-topic, -partition, -offset). Waits for the broker's acknowledgement and throws if
 * it does not come, so the batch is retried instead of committed without its dead letters.
 * <p>
 * At-least-once: the publish precedes the database commit, and a batch retried after it (a failed commit,
 * a crash, another dead letter of the batch not acknowledged) publishes its dead letters again. A repeat
 * carries the same original topic, partition and offset headers, which identify the record, and the same
 * key; readers drop repeats by those headers. A transactional producer would not help: its commit and
 * the database's are still two.
 */
@Component
public class DeadLetterPublisher {

    private final DeadLetterPublishingRecoverer recoverer;

    DeadLetterPublisher(KafkaOperations<?, ?> template) {
        // Partition -1: the producer picks it from the key, so the DLT may have any number of partitions.
        this.recoverer = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(EventTopics.deadLetterOf(record.topic()), -1));
        this.recoverer.setFailIfSendResultIsError(true);
    }

    public void publish(List<Decoded.DeadLetter> deadLetters) {
        for (Decoded.DeadLetter deadLetter : deadLetters) {
            recoverer.accept(deadLetter.record(), null, deadLetter.reason());
        }
    }
}
