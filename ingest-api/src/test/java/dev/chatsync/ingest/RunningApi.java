package dev.chatsync.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.chatsync.inprocess.CommandLine;
import dev.chatsync.testsupport.TestPostgres;

/**
 * The ingest-api started as the local stack and production start it ({@link IngestApiApplication#application()}),
 * on a random port, against a migrated test database, a topic and the test JWKS.
 */
public final class RunningApi implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final TestPostgres.Database database;
    private final int port;

    private RunningApi(ConfigurableApplicationContext context, TestPostgres.Database database) {
        this.context = context;
        this.database = database;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    static RunningApi start(String bootstrapServers, String topic, TestJwks jwks, Map<String, String> overrides) {
        TestPostgres.Database database = migratedDatabase();
        Map<String, String> properties = settings(database, bootstrapServers, topic, jwks);
        properties.put("server.port", "0");
        properties.putAll(overrides);
        ConfigurableApplicationContext context = IngestApiApplication.application().run(CommandLine.arguments(properties));
        return new RunningApi(context, database);
    }

    public static TestPostgres.Database migratedDatabase() {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("ingest");
        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration").load().migrate();
        return database;
    }

    /** What the API needs to run against the test database, broker, topic and JWKS. */
    public static Map<String, String> settings(TestPostgres.Database database, String bootstrapServers, String topic, TestJwks jwks) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("DATABASE_URL", database.databaseUrl());
        properties.put("spring.kafka.bootstrap-servers", bootstrapServers);
        properties.put("chatsync.events.topic", topic);
        // a topic per test, like the events topic (created by the tests that publish account events)
        properties.put("chatsync.accounts.topic", topic + ".accounts");
        properties.put("chatsync.auth.jwks-url", jwks.jwksUrl());
        properties.put("chatsync.auth.issuer", TestJwks.ISSUER);
        properties.put("chatsync.auth.authorized-parties", TestJwks.ORIGIN + ",http://localhost:3000");
        properties.put("chatsync.ingest.rate-limit.capacity", "100000");
        properties.put("chatsync.ingest.rate-limit.refill-per-second", "100000");
        return properties;
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
