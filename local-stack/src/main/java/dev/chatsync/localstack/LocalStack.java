package dev.chatsync.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.chatsync.inprocess.CommandLine;
import dev.chatsync.ingest.IngestApiApplication;
import dev.chatsync.persister.PersisterApplication;
import dev.chatsync.schemas.EventTopics;
import sun.misc.Signal;

/**
 * The whole pipeline in one process: a real Kafka broker, a real Postgres, the persister and the
 * ingest-api, wired exactly as in production except for the dev token endpoint. Postgres and Kafka
 * keep their data under one directory, so a stack that is killed resumes where it stopped. Stops in
 * reverse order, letting the persister drain Kafka first so that the next start has nothing to catch up.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final String ISSUER = "chat-sync-local-stack";
    private static final String AUTHORIZED_PARTY = "http://localhost:3000";
    private static final String PERSISTER_GROUP = "chat-sync-persister";
    // the persister's account events listener joins a group of its own, named after the events' group
    private static final String ACCOUNTS_GROUP = PERSISTER_GROUP + ".accounts";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String POSTGRES_DATA = "postgres";
    private static final String KAFKA_DATA = "kafka";

    private final LocalStackSettings settings;
    private final LocalPostgres postgres;
    private final LocalKafka kafka;
    private final ConfigurableApplicationContext persister;
    private final ConfigurableApplicationContext api;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalStack(LocalStackSettings settings, LocalPostgres postgres, LocalKafka kafka,
                       ConfigurableApplicationContext persister, ConfigurableApplicationContext api) {
        this.settings = settings;
        this.postgres = postgres;
        this.kafka = kafka;
        this.persister = persister;
        this.api = api;
    }

    public static LocalStack start(LocalStackSettings settings) {
        return start(settings, Map.of());
    }

    /** The stack with settings of the ingest-api's own on top (what tests turn on that the stack leaves off, such as webhooks). */
    static LocalStack start(LocalStackSettings settings, Map<String, String> apiSettings) {
        if (settings.fresh()) {
            wipe(settings.dataDirectory().resolve(POSTGRES_DATA), settings.dataDirectory().resolve(KAFKA_DATA));
        }
        LocalPostgres postgres = LocalPostgres.start(settings.dataDirectory().resolve(POSTGRES_DATA), settings.postgresPort());
        LocalKafka kafka = null;
        ConfigurableApplicationContext persister = null;
        try {
            kafka = LocalKafka.start(settings.dataDirectory().resolve(KAFKA_DATA), settings.kafkaPort(), settings.topic(), settings.partitions());
            Map<String, String> shared = Map.of(
                    "DATABASE_URL", postgres.databaseUrl(),
                    "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "chatsync.events.topic", settings.topic());
            persister = run(PersisterApplication.application().sources(OpenActuator.class), shared, Map.of(
                    "chatsync.persister.group-id", PERSISTER_GROUP,
                    "server.port", String.valueOf(settings.persisterPort()),
                    "springdoc.api-docs.enabled", "false"));
            Map<String, String> api = new LinkedHashMap<>(Map.of(
                    "server.port", String.valueOf(settings.apiPort()),
                    DemoApp.DIRECTORY, settings.demoDirectory().toString(),
                    "spring.flyway.enabled", "false",
                    "chatsync.auth.jwks-url", "http://localhost:" + settings.apiPort() + DevTokens.JWKS_PATH,
                    "chatsync.auth.issuer", ISSUER,
                    "chatsync.auth.authorized-parties", AUTHORIZED_PARTY));
            api.putAll(apiSettings);
            return new LocalStack(settings, postgres, kafka, persister,
                    run(IngestApiApplication.application().sources(DevTokens.class, DemoApp.class), shared, api));
        } catch (RuntimeException e) {
            closeQuietly(persister);
            if (kafka != null) {
                kafka.close();
            }
            postgres.close();
            throw e;
        }
    }

    public URI apiUrl() {
        return URI.create("http://localhost:" + settings.apiPort());
    }

    public URI persisterUrl() {
        return URI.create("http://localhost:" + settings.persisterPort());
    }

    public String databaseUrl() {
        return postgres.databaseUrl();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public LocalStackSettings settings() {
        return settings;
    }

    /** Waits until the persister has written everything Kafka holds, events and account events; returns what is left (0 when drained). */
    public long awaitPersisted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long events = kafka.awaitDrained(settings.topic(), PERSISTER_GROUP, timeout);
        long accounts = kafka.awaitDrained(EventTopics.ACCOUNTS, ACCOUNTS_GROUP, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        return events < 0 || accounts < 0 ? -1 : events + accounts;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(api);
        long left = awaitPersisted(DRAIN_TIMEOUT);
        if (left != 0) {
            log.warn("stopping with {} events not yet persisted", left < 0 ? "an unknown number of" : left);
        }
        closeQuietly(persister);
        kafka.close();
        postgres.close();
    }

    public static void main(String[] args) throws InterruptedException {
        long started = System.nanoTime();
        LocalStack stack = start(LocalStackSettings.from(System.getenv(), Arrays.asList(args)));
        // Ctrl-C is handled here rather than in a shutdown hook: the JVM runs its hooks concurrently,
        // and the parts must stop in order (the API, the persister's drain, then Kafka and Postgres).
        Signal.handle(new Signal("INT"), signal -> stopAndExit(stack));
        Signal.handle(new Signal("TERM"), signal -> stopAndExit(stack));
        System.out.println(stack.readyBanner(Duration.ofNanos(System.nanoTime() - started)));
        Thread.currentThread().join();
    }

    private static void stopAndExit(LocalStack stack) {
        System.out.println("chat-sync local stack: stopping (the persister drains Kafka into Postgres first)...");
        stack.close();
        System.out.println("chat-sync local stack: stopped; data kept in " + stack.settings.dataDirectory());
        System.exit(0);
    }

    String readyBanner(Duration startup) {
        String api = apiUrl().toString();
        return """

                ======================================================================
                 chat-sync local stack is READY (started in %s s)
                   Demo       %s
                   API        %s/api/messages
                   OpenAPI    %s/v3/api-docs
                   Token      curl -s -X POST %s/dev/tokens -H 'Content-Type: application/json' -d '{"userId":"alice"}'
                   Kafka      %s  topic %s (%d partitions), dead letters in %s.DLT
                   Postgres   %s
                   Data       %s (Postgres and Kafka, kept between runs; --fresh or CHATSYNC_FRESH=true starts empty)
                   Metrics    %s/actuator/prometheus   persister: %s/actuator/prometheus
                 Ctrl-C stops everything cleanly.
                ======================================================================
                """.formatted(String.format(Locale.ROOT, "%.1f", startup.toMillis() / 1000.0), demo(api), api, api, api,
                kafka.bootstrapServers(), settings.topic(), settings.partitions(), settings.topic(),
                postgres.databaseUrl(), settings.dataDirectory(), api, persisterUrl());
    }

    private String demo(String api) {
        return DemoApp.builtIn(settings.demoDirectory())
                ? api + "/   (the demo chat app: sign in as any user id)"
                : "not built: " + settings.demoDirectory() + " has no index.html (install Node.js, or cd clients/web && npm ci && npm run build:demo)";
    }

    /**
     * Settings go in as command-line arguments because those outrank the environment: a DATABASE_URL
     * exported in the developer's shell (say, their Neon branch) must not receive the local stack's writes.
     */
    private static ConfigurableApplicationContext run(SpringApplicationBuilder application, Map<String, String> shared, Map<String, String> own) {
        Map<String, String> settings = new LinkedHashMap<>(shared);
        settings.putAll(own);
        return application.sources(PrivateNettyResources.class)
                .bannerMode(Banner.Mode.OFF)
                .registerShutdownHook(false)
                .run(CommandLine.arguments(settings));
    }

    private static void wipe(Path... directories) {
        for (Path directory : directories) {
            if (!Files.exists(directory)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot wipe " + directory, e);
            }
        }
    }

    private static void closeQuietly(ConfigurableApplicationContext context) {
        if (context != null) {
            try {
                context.close();
            } catch (RuntimeException e) {
                log.warn("error while stopping {}", context.getId(), e);
            }
        }
    }
}
