package dev.chatsync.faults.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import dev.chatsync.ingest.RunningApi;
import dev.chatsync.ingest.TestJwks;
import dev.chatsync.testsupport.TcpProxy;
import dev.chatsync.testsupport.TestPostgres;

/**
 * The pipeline as production runs it, each part an OS process: the broker, Postgres, the persister
 * group and the API. The persisters reach Postgres through a relay that can make it slow; the API
 * reaches it directly.
 */
public final class Pipeline implements AutoCloseable {

    public static final String TOPIC = "chat-sync.events";
    /** The persisters' JDBC application_name: what a server-side kill of their connections selects. */
    public static final String PERSISTER_CONNECTIONS = "chat-sync-persister";

    private static final int PARTITIONS = 6;

    private final Broker broker;
    private final PostgresServer postgres;
    private final TcpProxy postgresRelay;
    private final PersisterGroup persisters;
    private final Api api;
    private final Backlog backlog;

    private Pipeline(Broker broker, PostgresServer postgres, TcpProxy postgresRelay, PersisterGroup persisters, Api api, Backlog backlog) {
        this.broker = broker;
        this.postgres = postgres;
        this.postgresRelay = postgresRelay;
        this.persisters = persisters;
        this.api = api;
        this.backlog = backlog;
    }

    /**
     * Starts every part under {@code directory} (data, logs), the persisters and the API at once.
     *
     * @param postgresBinaries where the embedded Postgres binaries are extracted
     * @param services where the executable jars are ({@code persister.jar}, {@code ingest-api.jar})
     */
    public static Pipeline start(Path directory, Path postgresBinaries, Path services, int persisterCount, TestJwks jwks) {
        Path logs = directory.resolve("logs");
        Broker broker = new Broker(directory.resolve("kafka"), logs);
        PostgresServer postgres = new PostgresServer(directory.resolve("postgres"), postgresBinaries);
        CompletableFuture<Void> brokerStart = CompletableFuture.runAsync(broker::start);
        postgres.start();
        brokerStart.join();
        createTopics(broker.bootstrapServers());

        TcpProxy relay = new TcpProxy("localhost", postgres.port());
        Map<String, String> persisterSettings = new LinkedHashMap<>();
        persisterSettings.put("DATABASE_URL", postgres.databaseUrl(relay.port(), PERSISTER_CONNECTIONS));
        persisterSettings.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
        persisterSettings.put("chatsync.events.topic", TOPIC);
        PersisterGroup persisters = new PersisterGroup(jar(services, "persister"), persisterSettings, logs);

        Map<String, String> apiSettings = RunningApi.settings(
                new TestPostgres.Database("localhost", postgres.port(), PostgresServer.DATABASE, "postgres", "postgres"),
                broker.bootstrapServers(), TOPIC, jwks);
        apiSettings.put("DATABASE_URL", postgres.databaseUrl(postgres.port(), "chat-sync-api"));
        Api api = new Api(jar(services, "ingest-api"), apiSettings, logs);

        // the first persister runs the migrations; the API needs none to take writes
        CompletableFuture<Void> apiStart = CompletableFuture.runAsync(api::start);
        persisters.add(persisterCount);
        apiStart.join();
        return new Pipeline(broker, postgres, relay, persisters, api, new Backlog(broker.bootstrapServers(), postgres, TOPIC, PARTITIONS));
    }

    public Broker broker() {
        return broker;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public TcpProxy postgresRelay() {
        return postgresRelay;
    }

    public PersisterGroup persisters() {
        return persisters;
    }

    public Api api() {
        return api;
    }

    public Backlog backlog() {
        return backlog;
    }

    private static void createTopics(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            // the dead-letter topic mirrors the partitions: a dead letter keeps its partition number
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1), new NewTopic(TOPIC + ".DLT", PARTITIONS, (short) 1)))
                    .all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics", e);
        }
    }

    private static Path jar(Path services, String artifactId) {
        try (Stream<Path> files = Files.list(services)) {
            return files.filter(file -> file.getFileName().toString().matches(artifactId + "(-exec)?\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + artifactId + " executable jar in " + services + " (run through Maven: dependency:copy-dependencies puts it there)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops what still runs, gracefully: the data stays in the directory for a look after a failure. */
    @Override
    public void close() {
        List<Runnable> stops = List.of(backlog::close, api::stop, persisters::stopAll, broker::stop, postgresRelay::close, postgres::stop);
        RuntimeException failure = null;
        for (Runnable stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
