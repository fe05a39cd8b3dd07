package dev.chatsync.benchmarks.storm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A reader of one 1,000-message conversation (or {@code messages}), read whole in one GET
 * ({@code limit} its size) every {@code every}, one at a time, through the run: what a device opening a
 * long chat waits while the phase runs. The JDK's client: it reads any response, and at this rate it
 * costs this JVM little.
 */
final class LargeConversationReads implements AutoCloseable {

    static final String USER = "user_storm_reader";
    static final String CONVERSATION = "large-conversation";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HttpRequest request;
    private final Duration every;
    private final Measurements measurements;
    private final Thread thread;
    private volatile boolean closed;
    private volatile int failures;

    LargeConversationReads(int apiPort, String token, int messages, Duration every, Measurements measurements) {
        this.request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/messages?conversationId=" + CONVERSATION
                        + "&limit=" + messages))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).GET().build();
        this.every = every;
        this.measurements = measurements;
        this.thread = new Thread(this::run, "large-conversation-reads");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    int failures() {
        return failures;
    }

    private void run() {
        long next = System.nanoTime();
        while (!closed) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long sent = System.nanoTime();
            next = sent + every.toNanos();
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    failures++;
                    continue;
                }
            } catch (IOException e) {
                failures++;
                continue;
            } catch (InterruptedException e) {
                return;
            }
            long phaseNanos = sent - measurements.runStartNanos;
            if (phaseNanos >= 0 && phaseNanos < measurements.workload.endNanos()) {
                measurements.largeGets.get(measurements.workload.phaseAt(phaseNanos)).record(System.nanoTime() - sent);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5_000);
    }
}
