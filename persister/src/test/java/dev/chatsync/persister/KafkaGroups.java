package dev.chatsync.persister;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.awaitility.Awaitility;

import dev.chatsync.testsupport.TestKafka;

/** Where a consumer group stands on a topic, and what an operator (or an expiry) does to it. */
public final class KafkaGroups {

    private KafkaGroups() {
    }

    /** True when the group has committed the end offset of every partition of the topic. */
    public static boolean caughtUp(String groupId, String topic) {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = partitions(admin, topic).stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                    || (committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read offsets of " + groupId, e);
        }
    }

    /**
     * Deletes the group, its committed offsets with it, as {@code kafka-consumer-groups --delete} or an
     * offsets expiry does; waits until its last member has left.
     */
    public static void delete(String groupId) {
        whenEmpty(groupId, admin -> admin.deleteConsumerGroups(List.of(groupId)).all().get(10, TimeUnit.SECONDS));
    }

    /** Moves the group's committed offsets on the topic back to 0, as {@code --reset-offsets --to-earliest} does. */
    public static void resetToEarliest(String groupId, String topic) {
        whenEmpty(groupId, admin -> admin.alterConsumerGroupOffsets(groupId, partitions(admin, topic).stream()
                .collect(Collectors.toMap(p -> p, p -> new OffsetAndMetadata(0)))).all().get(10, TimeUnit.SECONDS));
    }

    private interface GroupOperation {
        void run(Admin admin) throws Exception;
    }

    /** The broker refuses both operations while a member that just closed is still counted in the group. */
    private static void whenEmpty(String groupId, GroupOperation operation) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Admin admin = admin()) {
                operation.run(admin);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupNotEmptyException || e.getCause() instanceof UnknownMemberIdException) {
                    return false;
                }
                throw new IllegalStateException("cannot change group " + groupId, e.getCause());
            }
        });
    }

    private static List<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        int count = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions().size();
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers()));
    }
}
