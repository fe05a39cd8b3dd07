package dev.chatsync.testsupport;

import org.testcontainers.DockerClientFactory;

/**
 * How tests get their Postgres and Kafka: Testcontainers where a Docker engine answers, otherwise
 * in-process (embedded Postgres binaries, a KRaft broker in the test JVM). Force either with the
 * system property {@code chatsync.test.infra} or the env var {@code CHATSYNC_TEST_INFRA}
 * ({@code embedded}, {@code containers} or {@code auto}, the default).
 */
enum InfrastructureMode {
    EMBEDDED, CONTAINERS;

    private static volatile InfrastructureMode resolved;

    static InfrastructureMode current() {
        InfrastructureMode mode = resolved;
        if (mode == null) {
            synchronized (InfrastructureMode.class) {
                if (resolved == null) {
                    resolved = resolve();
                }
                mode = resolved;
            }
        }
        return mode;
    }

    private static InfrastructureMode resolve() {
        String wanted = System.getProperty("chatsync.test.infra", System.getenv().getOrDefault("CHATSYNC_TEST_INFRA", "auto"));
        return switch (wanted.trim().toLowerCase()) {
            case "embedded" -> EMBEDDED;
            case "containers" -> CONTAINERS;
            case "auto" -> dockerAvailable() ? CONTAINERS : EMBEDDED;
            default -> throw new IllegalArgumentException("chatsync.test.infra must be embedded, containers or auto, not " + wanted);
        };
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
