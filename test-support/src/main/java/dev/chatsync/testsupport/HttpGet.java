package dev.chatsync.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain GET for tests and benchmarks that read a service's actuator (health, Prometheus). */
public final class HttpGet {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private HttpGet() {
    }

    /** The response as text; a connection failure is unchecked, so callers may poll a service that is still starting. */
    public static HttpResponse<String> get(String url, Duration timeout) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
