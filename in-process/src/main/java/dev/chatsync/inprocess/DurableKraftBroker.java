package dev.chatsync.inprocess;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one node) whose log and
 * metadata live in a directory that outlives the process: what it acknowledged is there again
 * after a crash or a {@code kill -9}. The directory is formatted once with a fixed cluster id, so a
 * restart finds the same cluster, the same topics and the same topic ids.
 *
 * <p>Runs in the caller's JVM ({@link #start}) or as a process of its own ({@link #main}).
 */
public final class DurableKraftBroker implements AutoCloseable {

    /** The one cluster id of every directory this class formats; a restart must match it. */
    public static final String CLUSTER_ID = "Y2hhdC1zeW5jLWxvY2FsLTE";

    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final int port;

    private DurableKraftBroker(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Formats {@code logDirectory} if it holds no cluster yet, then starts the broker on it.
     *
     * @param port            the client port; 0 picks a free one (a broker that restarts should keep its port)
     * @param extraProperties broker properties on top of the shared settings
     */
    public static DurableKraftBroker start(Path logDirectory, int port, Map<String, String> extraProperties) {
        int clientPort = port != 0 ? port : freePort();
        KafkaConfig config = KafkaConfig.fromProps(properties(logDirectory, clientPort, freePort(), extraProperties));
        format(logDirectory, config);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        return new DurableKraftBroker(server, clientPort);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    /** A controlled shutdown: the log is closed cleanly, so the next start need not recover it. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    /**
     * {@code --log-dir=<path> --port=<port> [--<broker property>=<value> ...]}: runs until SIGTERM
     * (a controlled shutdown) or SIGKILL (the next start recovers the log), and prints
     * {@code READY <bootstrap servers>} once clients can connect.
     */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = new HashMap<>(CommandLine.settings(args));
        Path logDirectory = Path.of(require(options.remove("log-dir"), "--log-dir"));
        int port = Integer.parseInt(require(options.remove("port"), "--port"));
        DurableKraftBroker broker = start(logDirectory, port, options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("READY " + broker.bootstrapServers());
        stopped.await();
    }

    private static Properties properties(Path logDirectory, int port, int controllerPort, Map<String, String> extraProperties) {
        Properties properties = new Properties();
        properties.putAll(KraftBroker.SETTINGS);
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", String.valueOf(NODE_ID));
        properties.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        properties.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("log.dirs", logDirectory.toAbsolutePath().toString());
        // one node: the internal topics cannot have more replicas, and need few partitions
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "5");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "5");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.putAll(extraProperties);
        return properties;
    }

    private static void format(Path logDirectory, KafkaConfig config) {
        try {
            Files.createDirectories(logDirectory);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(CLUSTER_ID)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setIgnoreFormatted(true)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(logDirectory.toAbsolutePath().toString())
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logDirectory, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format " + logDirectory + " for Kafka", e);
        }
    }

    private static String require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
