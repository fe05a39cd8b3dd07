package dev.chatsync.faults.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.chatsync.inprocess.DurableKraftBroker;

/**
 * The Kafka broker in a JVM of its own (KRaft, broker and controller in one node), its log and
 * metadata on disk: a restart after SIGKILL recovers them on the same directory and port.
 */
public final class Broker {

    private final Path logDirectory;
    private final Path logs;
    private final int port = Ports.free();
    private final AtomicInteger starts = new AtomicInteger();
    private volatile ChildProcess process;

    Broker(Path logDirectory, Path logs) {
        this.logDirectory = logDirectory;
        this.logs = logs;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts it, or starts it again on the same log after {@link #kill}; returns once clients can connect. */
    public void start() {
        int start = starts.incrementAndGet();
        process = ChildProcess.java("broker", List.of(
                "-cp", System.getProperty("java.class.path"),
                DurableKraftBroker.class.getName(),
                "--log-dir=" + logDirectory, "--port=" + port), logs.resolve("broker-" + start + ".log"));
        process.awaitLogLine("READY ", Duration.ofSeconds(90));
    }

    /** SIGKILL: whatever it acknowledged must be in its log when it comes back. */
    public void kill() {
        process.kill();
    }

    public boolean alive() {
        return process.alive();
    }

    void stop() {
        if (process != null) {
            process.stop();
        }
    }
}
