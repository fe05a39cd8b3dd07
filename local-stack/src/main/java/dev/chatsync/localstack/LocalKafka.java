package dev.chatsync.localstack;

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
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import dev.chatsync.inprocess.KraftBroker;
import dev.chatsync.schemas.EventTopics;

/**
 * A real single-node KRaft broker in this process. Its log lives in a temporary directory, so on
 * Ctrl-C the stack first lets the persister drain what Kafka holds ({@link #awaitDrained}).
 */
final class LocalKafka implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker broker;

    private LocalKafka(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    static LocalKafka start(String topic, int partitions) {
        EmbeddedKafkaKraftBroker broker = KraftBroker.start(partitions, Map.of());
        broker.addTopics(new NewTopic(topic, partitions, (short) 1), new NewTopic(EventTopics.deadLetterOf(topic), partitions, (short) 1));
        return new LocalKafka(broker);
    }

    String bootstrapServers() {
        return broker.getBrokersAsString();
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
        broker.destroy();
    }
}
