package dev.chatsync.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

import dev.chatsync.inprocess.DurableKraftBroker;
import dev.chatsync.schemas.EventTopics;

/**
 * A real single-node KRaft broker in this process whose log and metadata live under the stack's
 * data directory: what it acknowledged survives the process being killed, and a restart finds the
 * same topics with the same ids. The drain on Ctrl-C ({@link #awaitDrained}) is only a courtesy.
 */
final class LocalKafka implements AutoCloseable {

    // One node has no replica to fall back on: each append reaches the disk before it is
    // acknowledged, so a 202 survives the machine losing power, not only the process dying.
    private static final Map<String, String> FLUSH_EVERY_APPEND = Map.of("log.flush.interval.messages", "1");

    private final DurableKraftBroker broker;

    private LocalKafka(DurableKraftBroker broker) {
        this.broker = broker;
    }

    static LocalKafka start(Path logDirectory, int port, String topic, int partitions) {
        DurableKraftBroker broker = DurableKraftBroker.start(logDirectory, port, FLUSH_EVERY_APPEND);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            for (String name : List.of(topic, EventTopics.deadLetterOf(topic), EventTopics.ACCOUNTS, EventTopics.deadLetterOf(EventTopics.ACCOUNTS))) {
                createIfAbsent(admin, new NewTopic(name, partitions, (short) 1));
            }
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return new LocalKafka(broker);
    }

    private static void createIfAbsent(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not create topic " + topic.name() + " in time", e);
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * Waits until the group has committed every record of the topic (the persister commits only
     * after Postgres did), or the timeout passes. Returns the records still not persisted.
     */
    long awaitDrained(String topic, String groupId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            long lag = lag(admin, topic, groupId);
            while (lag > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                lag = lag(admin, topic, groupId);
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }

    private static long lag(Admin admin, String topic, String groupId) throws InterruptedException, ExecutionException, TimeoutException {
        Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream()
                .map(partition -> new TopicPartition(topic, partition.partition()))
                .collect(Collectors.toSet());
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata done = committed.get(partition);
            lag += ends.get(partition).offset() - (done == null ? 0 : done.offset());
        }
        return lag;
    }

    @Override
    public void close() {
        broker.close();
    }
}
