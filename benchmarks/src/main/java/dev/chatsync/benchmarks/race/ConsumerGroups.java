package dev.chatsync.benchmarks.race;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;

import dev.chatsync.testsupport.TestKafka;

/**
 * Where every system's clock starts: when its consumer group is first stable with every partition
 * assigned, before any record is fetched. Start-up (a JVM, Spring, a Connect worker) is not throughput;
 * the group's first fetches and batches are, and so is a second consumer joining later (waiting for all
 * of them let a short phase end before the clock started).
 */
final class ConsumerGroups implements AutoCloseable {

    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers()));

    void awaitAssigned(String groupId, int partitions, Duration timeout, BooleanSupplier alive) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException("the process consuming as " + groupId + " exited");
            }
            if (assigned(groupId, partitions)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("group " + groupId + " did not get its " + partitions + " partitions in " + timeout);
    }

    private boolean assigned(String groupId, int partitions) throws InterruptedException {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(groupId)).all().get(5, TimeUnit.SECONDS).get(groupId);
        } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
            return false;
        }
        if (group.groupState() != GroupState.STABLE) {
            return false;
        }
        int assigned = 0;
        for (MemberDescription member : group.members()) {
            assigned += member.assignment().topicPartitions().size();
        }
        return assigned == partitions;
    }

    @Override
    public void close() {
        admin.close();
    }
}
