package dev.chatsync.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.chatsync.testsupport.TestPostgres;

/**
 * The ingest-api started as the local stack and production start it ({@link IngestApiApplication#application()}),
 * on a random port, against a migrated test database, a topic and the test JWKS.
 */
final class RunningApi implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final TestPostgres.Database database;
    private final int port;

    private RunningApi(ConfigurableApplicationContext context, TestPostgres.Database database) {
        this.context = context;
        this.database = database;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    static RunningApi start(String bootstrapServers, String topic, TestJwks jwks, Map<String, String> overrides) {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("ingest");
        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration").load().migrate();
        // command-line arguments, so they win over ingest-api.yml as an operator's settings would
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "DATABASE_URL=" + database.databaseUrl(),
                "spring.kafka.bootstrap-servers=" + bootstrapServers,
                "chatsync.events.topic=" + topic,
                "chatsync.auth.jwks-url=" + jwks.jwksUrl(),
                "chatsync.auth.issuer=" + TestJwks.ISSUER,
                "chatsync.auth.authorized-parties=" + TestJwks.ORIGIN + ",http://localhost:3000",
                "chatsync.ingest.rate-limit.capacity=100000",
                "chatsync.ingest.rate-limit.refill-per-second=100000"));
        overrides.forEach((key, value) -> properties.add(key + "=" + value));
        ConfigurableApplicationContext context = IngestApiApplication.application()
                .run(properties.stream().map(property -> "--" + property).toArray(String[]::new));
        return new RunningApi(context, database);
    }

    int port() {
        return port;
    }

    TestPostgres.Database database() {
        return database;
    }

    WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(60)).build();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
