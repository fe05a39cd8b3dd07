package dev.chatsync.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;

import dev.chatsync.inprocess.KraftBroker;

/**
 * One real Kafka broker (KRaft) per test JVM: in-process, or the apache/kafka image under
 * Testcontainers. Tests create their own topics with {@link #createTopic(String, int)}, named
 * uniquely, so they never read each other's records.
 */
public final class TestKafka {

    private static volatile TestKafka shared;

    private final String bootstrapServers;

    private TestKafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** The broker of this JVM, started on first use and stopped when the JVM exits. */
    public static TestKafka shared() {
        TestKafka broker = shared;
        if (broker == null) {
            synchronized (TestKafka.class) {
                if (shared == null) {
                    shared = start();
                }
                broker = shared;
            }
        }
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates the topic, waiting until the broker has it; an existing topic is left as it is. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("broker did not create topic " + name + " in 30 s", e);
        }
    }

    private static TestKafka start() {
        return InfrastructureMode.current() == InfrastructureMode.CONTAINERS ? startContainer() : startEmbedded();
    }

    private static TestKafka startEmbedded() {
        EmbeddedKafkaKraftBroker broker = KraftBroker.start(1, Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "embedded-kafka-stop"));
        return new TestKafka(broker.getBrokersAsString());
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM exits
    private static TestKafka startContainer() {
        KafkaContainer container = new KafkaContainer("apache/kafka:4.1.0")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        container.start();
        return new TestKafka(container.getBootstrapServers());
    }
}
