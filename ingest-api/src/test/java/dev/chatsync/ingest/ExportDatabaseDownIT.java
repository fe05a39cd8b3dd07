package dev.chatsync.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import dev.chatsync.testsupport.TestKafka;

/**
 * An export while Postgres cannot be reached: its first page is read before the answer starts, so the
 * client gets a 503 it may retry, not a 200 whose download breaks off.
 */
class ExportDatabaseDownIT {

    private static TestJwks jwks;
    private static RunningApi api;

    @BeforeAll
    static void start() {
        jwks = new TestJwks();
        api = RunningApi.start(TestKafka.shared().bootstrapServers(), "export-database-down", jwks, Map.of(
                "DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:" + unusedPort() + "/none",
                "chatsync.ingest.read.timeout", "2s"));
    }

    @AfterAll
    static void stop() {
        api.close();
        jwks.close();
    }

    @Test
    void anExportAnswers503BeforeItStarts() {
        api.client().get().uri("/api/export").header("Authorization", "Bearer " + jwks.token("user_down")).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("Retry-After", "2")
                .expectHeader().doesNotExist("Content-Disposition");
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
