package dev.chatsync.benchmarks.storm;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.chatsync.benchmarks.ingest.ApiProcess;
import dev.chatsync.ingest.RunningApi;
import dev.chatsync.ingest.TestJwks;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.testsupport.TcpProxy;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * One of the systems compared, started afresh for its run on a database of its own: chat-sync as it
 * ships (the API in a JVM of its own, the broker, the persister in this JVM), or the direct-write
 * design (the same API process, POSTs to {@link DirectWriteController}). Both reach Postgres through
 * a proxy adding {@code addedLatency} to each round trip; the benchmark's own watchers do not.
 */
final class StormSystem implements AutoCloseable {

    enum Kind {
        CHAT_SYNC("chat-sync", "/api/messages", 202),
        DIRECT_WRITE("direct write", DirectWriteController.PATH, 200);

        final String label;
        final String path;
        final int okStatus;

        Kind(String label, String path, int okStatus) {
            this.label = label;
            this.path = path;
            this.okStatus = okStatus;
        }
    }

    /**
     * The systems compared and how they are started, the same for the storm and the sweep: each
     * {@code -Dstorm.*} property declared here once, with its default.
     *
     * @param directPoolSize the API's connection pool for the direct-write design, which holds a
     *                       connection for every write in flight; chat-sync's API keeps the pool it ships with
     * @param connections    the load generator's keep-alive connections to the API
     */
    record Settings(List<Long> latencies, List<Kind> systems, int partitions, int connections, int directPoolSize, int persisterMaxBatch,
            List<String> apiJvmOptions) {

        static Settings fromProperties() {
            return new Settings(
                    Arrays.stream(System.getProperty("storm.latencies", "1").split(","))
                            .map(String::trim).filter(s -> !s.isEmpty()).map(Long::valueOf).toList(),
                    Arrays.stream(System.getProperty("storm.systems", "chat-sync,direct").split(","))
                            .map(String::trim).map(Settings::kind).toList(),
                    Integer.getInteger("storm.partitions", 6),
                    // as many as a few hundred browsers keep open; beyond them a POST waits for a free one, timed all the same
                    Integer.getInteger("storm.connections", 128),
                    Integer.getInteger("storm.directPoolSize", 10),
                    Integer.getInteger("storm.persisterMaxBatch", 1000),
                    // a fixed heap, as a container limit would give; the other benchmarks run the API with the same
                    List.of(System.getProperty("storm.apiJvmOptions", "-Xms1g -Xmx1g").split(" ")));
        }

        private static Kind kind(String name) {
            return switch (name) {
                case "chat-sync" -> Kind.CHAT_SYNC;
                case "direct" -> Kind.DIRECT_WRITE;
                default -> throw new IllegalArgumentException("storm.systems: chat-sync or direct, not " + name);
            };
        }
    }

    private static final String GROUP = "chat-sync-persister";

    final Kind kind;
    final Duration addedLatency;
    final TestPostgres.Database database;
    final String topic;
    final ApiProcess api;
    private final TcpProxy proxy;
    private final RunningPersister persister;

    private StormSystem(Kind kind, Duration addedLatency, TestPostgres.Database database, String topic, TcpProxy proxy,
            RunningPersister persister, ApiProcess api) {
        this.kind = kind;
        this.addedLatency = addedLatency;
        this.database = database;
        this.topic = topic;
        this.proxy = proxy;
        this.persister = persister;
        this.api = api;
    }

    static StormSystem start(Kind kind, Duration addedLatency, Settings settings, TestJwks jwks) throws IOException, InterruptedException {
        String topic = "storm-" + System.currentTimeMillis();
        TestKafka.shared().createTopic(topic, settings.partitions());
        // the persister consumes the accounts topic RunningApi and RunningPersister name after it; absent, it logs a warning a second
        TestKafka.shared().createTopic(topic + ".accounts", 1);
        TestPostgres.Database database = RunningApi.migratedDatabase();
        TcpProxy proxy = new TcpProxy(database.host(), database.port(), addedLatency);
        TestPostgres.Database behindProxy = new TestPostgres.Database("127.0.0.1", proxy.port(), database.name(),
                database.username(), database.password());
        RunningPersister persister = null;
        try {
            if (kind == Kind.CHAT_SYNC) {
                persister = RunningPersister.start(behindProxy.databaseUrl(), topic, GROUP,
                        // the ingest-api's springdoc shares this module's classpath; the persister has no API to describe
                        "springdoc.api-docs.enabled=false",
                        "logging.level.root=WARN",
                        "chatsync.persister.max-batch-size=" + settings.persisterMaxBatch());
            }
            Map<String, String> apiSettings = RunningApi.settings(behindProxy, TestKafka.shared().bootstrapServers(), topic, jwks);
            apiSettings.put("logging.level.root", "WARN");
            apiSettings.put("chatsync.ingest.rate-limit.capacity", "100000000");
            apiSettings.put("chatsync.ingest.rate-limit.refill-per-second", "100000000");
            // migrated above, as the persister does it in production
            apiSettings.put("spring.flyway.enabled", "false");
            if (kind == Kind.DIRECT_WRITE) {
                apiSettings.put("spring.main.sources", DirectWriteController.class.getName());
                apiSettings.put("spring.datasource.hikari.maximum-pool-size", Integer.toString(settings.directPoolSize()));
            }
            return new StormSystem(kind, addedLatency, database, topic, proxy, persister, ApiProcess.start(apiSettings, settings.apiJvmOptions()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (persister != null) {
                persister.close();
            }
            proxy.close();
            throw e;
        }
    }

    String label() {
        return kind.label + " +" + addedLatency.toMillis() + " ms";
    }

    boolean pipelined() {
        return kind == Kind.CHAT_SYNC;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            api.close();
        } finally {
            if (persister != null) {
                persister.close();
            }
            proxy.close();
        }
    }
}
