package dev.chatsync.persister;

import java.util.UUID;

import dev.chatsync.persister.write.BatchWriter;
import dev.chatsync.schemas.EventTopics;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * A persister whose listener does not run, on a database and a topic of its own: tests hand its
 * {@link BatchWriter} batches composed exactly, as the listener would.
 */
public final class DirectWriter implements AutoCloseable {

    private final TestPostgres.Database database;
    private final RunningPersister persister;
    private final BatchWriter writer;
    private final TestBatches batches;

    private DirectWriter(TestPostgres.Database database, RunningPersister persister, TestBatches batches) {
        this.database = database;
        this.persister = persister;
        this.writer = persister.bean(BatchWriter.class);
        this.batches = batches;
    }

    /** @param name the database's, the topic's (with a random suffix) and the group's name */
    public static DirectWriter start(String name, String... overrides) {
        String topic = name.replace('_', '-') + "-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 1);
        TestKafka.shared().createTopic(EventTopics.deadLetterOf(topic), 1);
        TestPostgres.Database database = TestPostgres.shared().newDatabase(name);
        String[] settings = new String[overrides.length + 1];
        settings[0] = "spring.kafka.listener.auto-startup=false";
        System.arraycopy(overrides, 0, settings, 1, overrides.length);
        RunningPersister persister = RunningPersister.start(database.databaseUrl(), topic, name.replace('_', '-'), settings);
        return new DirectWriter(database, persister, new TestBatches(topic));
    }

    public TestPostgres.Database database() {
        return database;
    }

    public RunningPersister persister() {
        return persister;
    }

    public BatchWriter writer() {
        return writer;
    }

    public TestBatches batches() {
        return batches;
    }

    @Override
    public void close() {
        persister.close();
    }
}
