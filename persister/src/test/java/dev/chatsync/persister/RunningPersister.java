package dev.chatsync.persister;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;

import dev.chatsync.inprocess.CommandLine;
import dev.chatsync.testsupport.HttpGet;
import dev.chatsync.testsupport.TestKafka;

/** A persister started the way operators start it, against a test database and topic. */
public final class RunningPersister implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningPersister(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * @param databaseUrl Neon-style URL, as in DATABASE_URL
     * @param overrides   extra {@code key=value} properties
     */
    public static RunningPersister start(String databaseUrl, String topic, String groupId, String... overrides) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String property : List.of(
                "DATABASE_URL=" + databaseUrl,
                "spring.kafka.bootstrap-servers=" + TestKafka.shared().bootstrapServers(),
                "chatsync.events.topic=" + topic,
                // a topic per test, like the events topic: account events of one test never reach another's database
                "chatsync.accounts.topic=" + topic + ".accounts",
                "chatsync.persister.group-id=" + groupId,
                "chatsync.persister.max-batch-size=200",
                "chatsync.persister.retry.initial-backoff=200ms",
                "chatsync.persister.retry.max-backoff=1s",
                "spring.kafka.consumer.properties.metadata.max.age.ms=1000",
                "spring.datasource.hikari.connection-timeout=2000",
                // The test events are accepted on fixed days that age with the calendar; without this the
                // start-up pruning would remove their tombstones some weeks later, while a test runs.
                "chatsync.changes.tombstone-retention=36500d",
                "server.port=0")) {
            put(properties, property);
        }
        for (String override : overrides) {
            put(properties, override);
        }
        // As command-line arguments: builder properties() are defaults, which persister.yml would override.
        return new RunningPersister(PersisterApplication.application().run(CommandLine.arguments(properties)));
    }

    private static void put(Map<String, String> properties, String property) {
        int at = property.indexOf('=');
        properties.put(property.substring(0, at), property.substring(at + 1));
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    /** GET on the persister's management port. */
    public HttpResponse<String> get(String path) {
        String port = context.getEnvironment().getProperty("local.server.port");
        return HttpGet.get("http://localhost:" + port + path, Duration.ofSeconds(30));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
