package dev.chatsync.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.chatsync.schemas.EventTopics;

/**
 * How the local stack runs, from the environment and the command line. Ports given as 0 are
 * resolved to free ports up front: the ingest-api must know its own address to trust the dev JWKS.
 *
 * @param apiPort         ingest-api HTTP port ({@code PORT}, default 8080)
 * @param persisterPort   persister actuator port ({@code PERSISTER_PORT}, default 8081)
 * @param postgresPort    embedded Postgres port ({@code LOCAL_POSTGRES_PORT}, default 54329)
 * @param dataDirectory   where Postgres keeps its data between runs ({@code CHATSYNC_DATA_DIR}, default {@code .local-stack})
 * @param fresh           start from an empty database ({@code --fresh} or {@code CHATSYNC_FRESH=true})
 * @param topic           events topic ({@code EVENTS_TOPIC})
 * @param partitions      its partitions ({@code EVENTS_PARTITIONS}, default 6)
 * @param demoDirectory   the demo chat app's build, served at {@code /} ({@code CHATSYNC_DEMO_DIR}, default {@code clients/web/dist/demo})
 */
public record LocalStackSettings(int apiPort, int persisterPort, int postgresPort, Path dataDirectory, boolean fresh,
                                 String topic, int partitions, Path demoDirectory) {

    public LocalStackSettings {
        apiPort = orFreePort(apiPort);
        persisterPort = orFreePort(persisterPort);
        postgresPort = orFreePort(postgresPort);
        dataDirectory = dataDirectory.toAbsolutePath().normalize();
        demoDirectory = demoDirectory.toAbsolutePath().normalize();
        if (partitions < 1) {
            throw new IllegalArgumentException("EVENTS_PARTITIONS must be at least 1, not " + partitions);
        }
    }

    public static LocalStackSettings from(Map<String, String> env, List<String> args) {
        return new LocalStackSettings(
                intOf(env, "PORT", 8080),
                intOf(env, "PERSISTER_PORT", 8081),
                intOf(env, "LOCAL_POSTGRES_PORT", 54329),
                Path.of(env.getOrDefault("CHATSYNC_DATA_DIR", ".local-stack")),
                args.contains("--fresh") || Boolean.parseBoolean(env.getOrDefault("CHATSYNC_FRESH", "false")),
                env.getOrDefault("EVENTS_TOPIC", EventTopics.EVENTS),
                intOf(env, "EVENTS_PARTITIONS", 6),
                Path.of(env.getOrDefault("CHATSYNC_DEMO_DIR", "clients/web/dist/demo")));
    }

    /** Everything on free ports, in the given directory, from empty, without the demo: what tests want. */
    public static LocalStackSettings forTests(Path dataDirectory) {
        return new LocalStackSettings(0, 0, 0, dataDirectory, true, EventTopics.EVENTS, 3, dataDirectory.resolve("no-demo"));
    }

    private static int intOf(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + value + "'");
        }
    }

    private static int orFreePort(int port) {
        return port != 0 ? port : freePort();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
