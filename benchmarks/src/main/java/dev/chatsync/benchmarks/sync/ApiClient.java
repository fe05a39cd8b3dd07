package dev.chatsync.benchmarks.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark's HTTP/1.1 client, the JDK's: keep-alive connections, bodies read whole as bytes.
 * Light enough beside the API at the request rates of this benchmark, and unlike the ingest
 * benchmark's {@code KeepAliveClient} it reads any response (headers, chunked bodies).
 */
final class ApiClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    private final String base;

    ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** GET {@code pathAndQuery} as the token's user, with extra headers as name, value pairs. */
    Reply get(String token, String pathAndQuery, String... headers) {
        return await(getAsync(token, pathAndQuery, headers));
    }

    CompletableFuture<Reply> getAsync(String token, String pathAndQuery, String... headers) {
        HttpRequest.Builder request = request(token, pathAndQuery).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** POST /api/messages as the token's user. */
    Reply post(String token, byte[] body) {
        return await(postAsync(token, body));
    }

    CompletableFuture<Reply> postAsync(String token, byte[] body) {
        return send(request(token, "/api/messages").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpRequest.Builder request(String token, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(TIMEOUT).header("Authorization", "Bearer " + token);
    }

    private CompletableFuture<Reply> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> new Reply(response.statusCode(), response.headers(), response.body()));
    }

    private static Reply await(CompletableFuture<Reply> reply) {
        try {
            return reply.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof IOException io ? new UncheckedIOException(io) : e;
        }
    }

    /** A response: status, headers and the whole body. */
    record Reply(int status, HttpHeaders headers, byte[] body) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** What the response took on the wire, close enough: status line, headers and body, no compression. */
        long bytes() {
            long head = "HTTP/1.1 200 OK\r\n\r\n".length();
            for (Map.Entry<String, List<String>> header : headers.map().entrySet()) {
                for (String value : header.getValue()) {
                    head += header.getKey().length() + 2 + value.length() + 2;
                }
            }
            return head + body.length;
        }

        JsonNode json() {
            return JSON.readTree(body);
        }

        /** Whether the body holds this JSON string value (a message id, quoted). */
        boolean mentions(String value) {
            return new String(body, StandardCharsets.UTF_8).contains("\"" + value + "\"");
        }

        Reply expect(int expected) {
            if (status != expected) {
                throw new IllegalStateException("expected " + expected + ", got " + status + ": " + new String(body, StandardCharsets.UTF_8));
            }
            return this;
        }
    }
}
