package dev.chatsync.faults.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The chat front end's side of the API: POST and DELETE with a client timeout on every request, each
 * exchange logged. A request that outlives the timeout is a hang: the API promises to answer, 503
 * included, well within it.
 */
public final class ApiClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String baseUrl;
    private final Duration timeout;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    public ApiClient(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl;
        this.timeout = timeout;
    }

    /** What came back: a status (0 when there was no answer) and the 503's Retry-After, if any. */
    record Answer(int status, OptionalLong retryAfterSeconds) {
        boolean accepted() {
            return status == 202;
        }
    }

    Answer save(String token, String body) throws InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/messages"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer delete(String token, String conversationId) throws InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/messages?conversationId=" + URLEncoder.encode(conversationId, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + token)
                .DELETE());
    }

    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    private Answer send(HttpRequest.Builder request) throws InterruptedException {
        Instant sentAt = Instant.now();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            OptionalLong retryAfter = response.headers().firstValue("Retry-After").map(value -> OptionalLong.of(Long.parseLong(value.trim())))
                    .orElse(OptionalLong.empty());
            exchanges.add(Exchange.answered(sentAt, since(start), response.statusCode(), retryAfter.isPresent()));
            return new Answer(response.statusCode(), retryAfter);
        } catch (HttpConnectTimeoutException e) {
            exchanges.add(Exchange.failed(sentAt, since(start), Exchange.Outcome.CONNECTION_FAILED));
            return new Answer(0, OptionalLong.empty());
        } catch (HttpTimeoutException e) {
            exchanges.add(Exchange.failed(sentAt, since(start), Exchange.Outcome.TIMED_OUT));
            return new Answer(0, OptionalLong.empty());
        } catch (IOException e) {
            exchanges.add(Exchange.failed(sentAt, since(start), Exchange.Outcome.CONNECTION_FAILED));
            return new Answer(0, OptionalLong.empty());
        }
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
