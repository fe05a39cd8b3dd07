package dev.chatsync.persister.consume;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.chatsync.events.AccountsTopic;
import dev.chatsync.persister.PersisterProperties;
import dev.chatsync.persister.health.DatabaseWriteHealth;
import dev.chatsync.persister.write.AccountWriter;
import dev.chatsync.persister.write.RetriableBatchException;

/**
 * The head of the accounts pipeline: one poll batch of the accounts topic, written by
 * {@link AccountWriter} in one transaction; throwing retries it, as for {@link EventsListener}. A consumer
 * group of its own ({@code <group-id>.accounts}), so the events topic's group never rebalances for it.
 */
@Component
class AccountEventsListener {

    private static final Logger log = LoggerFactory.getLogger(AccountEventsListener.class);

    private final AccountWriter writer;
    private final DatabaseWriteHealth health;
    private final String topic;
    private final String groupId;

    AccountEventsListener(AccountWriter writer, DatabaseWriteHealth health, AccountsTopic topic, PersisterProperties properties) {
        this.writer = writer;
        this.health = health;
        this.topic = topic.topic();
        this.groupId = properties.groupId() + ".accounts";
    }

    /** Read by the listener's annotation as {@code __listener.topic()}. */
    public String topic() {
        return topic;
    }

    /** Read by the listener's annotation as {@code __listener.groupId()}. */
    public String groupId() {
        return groupId;
    }

    @KafkaListener(id = "persister-accounts", idIsGroup = false, topics = "#{__listener.topic()}", groupId = "#{__listener.groupId()}",
            containerFactory = ListenerConfiguration.CONTAINER_FACTORY, batch = "true")
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        try {
            writer.write(records);
        } catch (RetriableBatchException e) {
            health.batchFailed(e);
            log.warn("batch of {} account records not written, retrying: {}", records.size(), e.getMessage());
            throw e;
        }
        health.batchCommitted();
    }
}
