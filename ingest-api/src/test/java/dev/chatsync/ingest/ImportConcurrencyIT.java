package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /api/import's bound on the imports running at once ({@code max-concurrent}): an import holds
 * its slot while its document is still arriving, so with two uploads open at a bound of one, one is
 * answered 503 problem+json with Retry-After before it is read, publishing nothing, and the other goes
 * on to its 202; the slot is free again once that import ended.
 */
class ImportConcurrencyIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] DOCUMENT = """
            {"format": "chat-sync.export", "version": 1, "exportedAt": "2026-01-01T00:00:00Z", "conversations": [
              {"conversationId": "imported", "personaId": "hitesh", "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:01:00Z",
               "messages": [{"id": "m1", "role": "user", "content": "hi", "createdAt": "2025-06-01T10:00:00Z"},
                            {"id": "m2", "role": "assistant", "content": "hello", "updatedAt": "2025-06-01T10:01:00Z"}]}]}
            """.getBytes(StandardCharsets.UTF_8);
    // a conversation and its two messages
    private static final int EVENTS_PER_IMPORT = 3;

    private static ApiWithTopic fixture;

    @BeforeAll
    static void start() {
        fixture = ApiWithTopic.start("ingest-import-busy", 1, Map.of("chatsync.ingest.import.max-concurrent", "1"));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void beyondTheBoundAnImportIsRefusedWithRetryAfterWhileAnotherIsStillUploading() throws Exception {
        long before = fixture.events().endOffsets();
        int half = DOCUMENT.length / 2;
        try (Upload first = Upload.open("u_busy_first", Arrays.copyOfRange(DOCUMENT, 0, half));
             Upload second = Upload.open("u_busy_second", Arrays.copyOfRange(DOCUMENT, 0, half))) {
            // whichever took the one slot keeps it until its document is complete, so it cannot have
            // been answered; the other is answered without its document being read
            CompletableFuture.anyOf(first.answer, second.answer).get(30, TimeUnit.SECONDS);
            Upload refused = first.answer.isDone() ? first : second;
            Upload holding = refused == first ? second : first;
            assertBusy(refused.answer.get());
            assertThat(holding.answer).as("the import holding the slot, its document half sent").isNotDone();

            try (Upload third = Upload.open("u_busy_third", Arrays.copyOfRange(DOCUMENT, 0, half))) {
                assertBusy(third.answer.get(30, TimeUnit.SECONDS));
            }
            assertThat(fixture.events().endOffsets()).as("nothing published yet").isEqualTo(before);

            holding.finish(Arrays.copyOfRange(DOCUMENT, half, DOCUMENT.length));
            Answer imported = holding.answer.get(30, TimeUnit.SECONDS);
            assertThat(imported.status()).as(imported.body()).isEqualTo(202);
            assertThat(JSON.readTree(imported.body()).get("published").asInt()).isEqualTo(EVENTS_PER_IMPORT);
        }

        try (Upload after = Upload.open("u_busy_after", DOCUMENT)) {
            after.finish(new byte[0]);
            assertThat(after.answer.get(30, TimeUnit.SECONDS).status()).as("the slot is free once the import ended").isEqualTo(202);
        }
        assertThat(fixture.events().endOffsets()).as("the two imports' events, none of the refused ones'")
                .isEqualTo(before + 2 * EVENTS_PER_IMPORT);
    }

    private static void assertBusy(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers()).containsEntry("retry-after", "5");
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("type").asString()).endsWith("/unavailable");
        assertThat(problem.get("detail").asString()).contains("1 imports are running");
    }

    /** A response read off the socket: status, headers by lower-case name, body. */
    private record Answer(int status, Map<String, String> headers, String body) {
    }

    /**
     * POST /api/import on a socket of its own, its document sent in HTTP chunks: the first part at once,
     * the rest only when {@link #finish} says so. Its answer is read as soon as the server gives one.
     */
    private static final class Upload implements AutoCloseable {

        private final Socket socket;
        private final OutputStream out;
        final CompletableFuture<Answer> answer;

        private Upload(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            this.answer = CompletableFuture.supplyAsync(() -> read(in));
        }

        static Upload open(String userId, byte[] firstPart) throws IOException {
            Upload upload = new Upload(new Socket("127.0.0.1", fixture.api().port()));
            upload.out.write(("POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + fixture.jwks().token(userId)
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            upload.chunk(firstPart);
            return upload;
        }

        /** Sends the rest of the document and ends it. */
        void finish(byte[] rest) throws IOException {
            chunk(rest);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        private void chunk(byte[] bytes) throws IOException {
            if (bytes.length == 0) {
                return;
            }
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        private static Answer read(InputStream in) {
            try {
                String statusLine = HttpWire.line(in);
                int status = Integer.parseInt(statusLine.split(" ")[1]);
                Map<String, String> headers = new LinkedHashMap<>();
                for (String line = HttpWire.line(in); !line.isEmpty(); line = HttpWire.line(in)) {
                    int colon = line.indexOf(':');
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
                byte[] body = new byte[0];
                if (headers.containsKey("content-length")) {
                    body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
                } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                    body = HttpWire.chunkedBody(in, size -> { });
                }
                return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
