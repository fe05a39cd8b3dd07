package dev.chatsync.faults.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.chatsync.inprocess.CommandLine;

/** The ingest-api from its executable jar, on a port it keeps across restarts; remembers when it was down. */
public final class Api {

    /** From a SIGKILL until the new process was ready: the only time its clients may fail to connect. */
    public record Downtime(Instant from, Instant to) {
    }

    private final Path jar;
    private final Map<String, String> settings;
    private final Path logs;
    private final int port = Ports.free();
    private final AtomicInteger starts = new AtomicInteger();
    private final List<Downtime> downtimes = new CopyOnWriteArrayList<>();
    private volatile ChildProcess process;

    Api(Path jar, Map<String, String> settings, Path logs) {
        this.jar = jar;
        this.settings = settings;
        this.logs = logs;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public void start() {
        int start = starts.incrementAndGet();
        List<String> arguments = new ArrayList<>(List.of("-jar", jar.toString(), "--server.port=" + port));
        arguments.addAll(List.of(CommandLine.arguments(settings)));
        process = ChildProcess.java("api", arguments, logs.resolve("api-" + start + ".log"));
        process.awaitHttp(baseUrl() + "/actuator/health/readiness", status -> status == 200, Duration.ofSeconds(120));
    }

    /** kill -9, then a new process on the same port, as an orchestrator would replace it. */
    public void killAndRestart() {
        Instant killed = Instant.now();
        process.kill();
        try {
            start();
        } finally {
            downtimes.add(new Downtime(killed, Instant.now()));
        }
    }

    public List<Downtime> downtimes() {
        return List.copyOf(downtimes);
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
