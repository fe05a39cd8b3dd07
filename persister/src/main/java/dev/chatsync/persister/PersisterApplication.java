package dev.chatsync.persister;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.chatsync.changes.ChangesFeedProperties;
import dev.chatsync.events.EventsTopic;

/**
 * The persister: consumes conversation events in batches and writes each batch to Postgres in one
 * transaction. Pipeline, top to bottom: {@code consume.EventsListener} → {@code decode.RecordDecoder}
 * → {@code write.BatchWriter} (which folds with {@code fold.BatchFolder} and dead-letters through
 * {@code deadletter.DeadLetterPublisher}) → Kafka offset commit by the container. On partition
 * assignment, {@code resume.StoredPositionSeeker} moves the consumer to where the database stands. Beside
 * it, on a schedule, {@code prune.TombstonePruner} removes tombstones past the changes feed's retention.
 * The accounts topic (Clerk profiles, account deletions) goes {@code consume.AccountEventsListener} →
 * {@code write.AccountWriter}; {@code write.AccountGate} keeps a deleted account's events out of every batch.
 */
@SpringBootApplication
@ConfigurationPropertiesScan(basePackageClasses = {PersisterApplication.class, EventsTopic.class, ChangesFeedProperties.class})
public class PersisterApplication {

    /**
     * The application with its own config file name, {@code persister.yml}: the local stack runs it in
     * the same JVM (and on the same classpath) as ingest-api, so neither may claim application.yml.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(PersisterApplication.class).properties("spring.config.name=persister");
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
