package dev.chatsync.benchmarks.storm;

import java.io.IOException;
import java.time.Duration;
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

    /**
     * @param directPoolSize the API's connection pool for the direct-write design, which holds a
     *                       connection for every write in flight; chat-sync's API keeps the pool it ships with
     */
    static StormSystem start(Kind kind, Duration addedLatency, int partitions, TestJwks jwks, List<String> apiJvmOptions,
            int directPoolSize, int persisterMaxBatch) throws IOException, InterruptedException {
        String topic = "storm-" + System.currentTimeMillis();
        TestKafka.shared().createTopic(topic, partitions);
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
                        "chatsync.persister.max-batch-size=" + persisterMaxBatch);
            }
            Map<String, String> settings = RunningApi.settings(behindProxy, TestKafka.shared().bootstrapServers(), topic, jwks);
            settings.put("logging.level.root", "WARN");
            settings.put("chatsync.ingest.rate-limit.capacity", "100000000");
            settings.put("chatsync.ingest.rate-limit.refill-per-second", "100000000");
            // migrated above, as the persister does it in production
            settings.put("spring.flyway.enabled", "false");
            if (kind == Kind.DIRECT_WRITE) {
                settings.put("spring.main.sources", DirectWriteController.class.getName());
                settings.put("spring.datasource.hikari.maximum-pool-size", Integer.toString(directPoolSize));
            }
            return new StormSystem(kind, addedLatency, database, topic, proxy, persister, ApiProcess.start(settings, apiJvmOptions));
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
