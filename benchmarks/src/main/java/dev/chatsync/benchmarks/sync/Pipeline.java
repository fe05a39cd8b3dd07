package dev.chatsync.benchmarks.sync;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import dev.chatsync.benchmarks.ingest.ApiProcess;
import dev.chatsync.ingest.RunningApi;
import dev.chatsync.ingest.TestJwks;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The real pipeline the sync benchmark reads from: the embedded broker, the embedded Postgres, the
 * persister in this JVM, and the ingest-api in a JVM of its own ({@link ApiProcess}), so that the
 * latencies measured are the API's and not those of this JVM's load generator, broker and persister,
 * whose garbage collections and JIT compilations would otherwise pause it.
 */
final class Pipeline implements AutoCloseable {

    private static final String GROUP = "chat-sync-persister";

    private final TestPostgres.Database database;
    private final TestJwks jwks;
    private final RunningPersister persister;
    private final ApiProcess api;

    private Pipeline(TestPostgres.Database database, TestJwks jwks, RunningPersister persister, ApiProcess api) {
        this.database = database;
        this.jwks = jwks;
        this.persister = persister;
        this.api = api;
    }

    static Pipeline start(int partitions, List<String> apiJvmOptions) throws IOException, InterruptedException {
        String topic = "sync-bench-" + System.currentTimeMillis();
        TestKafka.shared().createTopic(topic, partitions);
        TestPostgres.Database database = RunningApi.migratedDatabase();
        TestJwks jwks = new TestJwks();
        RunningPersister persister = null;
        try {
            persister = RunningPersister.start(database.databaseUrl(), topic, GROUP,
                    // the ingest-api's springdoc shares this module's classpath; the persister has no API to describe
                    "springdoc.api-docs.enabled=false",
                    "logging.level.root=WARN");
            Map<String, String> settings = RunningApi.settings(database, TestKafka.shared().bootstrapServers(), topic, jwks);
            settings.put("logging.level.root", "WARN");
            // latencies as the API sees them, beside the client's
            settings.put("management.metrics.distribution.percentiles-histogram.http.server.requests", "true");
            settings.put("management.metrics.distribution.percentiles-histogram.chatsync.ingest.sync.wait", "true");
            // the persister migrated the database, as it does in production
            settings.put("spring.flyway.enabled", "false");
            return new Pipeline(database, jwks, persister, ApiProcess.start(settings, apiJvmOptions));
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (persister != null) {
                persister.close();
            }
            jwks.close();
            throw e;
        }
    }

    int apiPort() {
        return api.port();
    }

    /** CPU the API's JVM has used so far. */
    ApiCpu apiCpu() {
        Duration compilers = api.compilerCpu();
        return new ApiCpu(compilers, api.cpu().minus(compilers));
    }

    /** The API's own Prometheus samples, by series. */
    Map<String, Double> apiMetrics() {
        return api.metrics();
    }

    /**
     * The persister's own Prometheus samples, by series: scraped in-process, since on this module's
     * classpath the ingest-api's Spring Security guards the persister's actuator too.
     */
    Map<String, Double> persisterMetrics() {
        return ApiProcess.samples(persister.bean(PrometheusMeterRegistry.class).scrape());
    }

    /** A session token of {@code userId} that outlives the run: signing is the client's cost, not the API's. */
    String token(String userId) {
        return jwks.token(userId, claims -> claims.expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))));
    }

    /** A direct connection to the database the API reads, for the references measured beside it. */
    Connection connect() throws SQLException {
        return database.connect();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            api.close();
        } finally {
            persister.close();
            jwks.close();
        }
    }
}
