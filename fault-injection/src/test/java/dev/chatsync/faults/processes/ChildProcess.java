package dev.chatsync.faults.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import dev.chatsync.testsupport.HttpGet;

/**
 * One JVM of the pipeline as an OS process of its own, its output in a log file. {@link #kill} is
 * SIGKILL (nothing runs in it any more, no shutdown hook, no flush), {@link #stop} SIGTERM (what an
 * orchestrator sends: a graceful shutdown).
 */
public final class ChildProcess {

    /**
     * A 2-core machine runs the broker, up to three persisters, the API and the load at once: C1 only and
     * the serial collector keep their start-ups from starving each other.
     */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildProcess java(String name, List<String> arguments, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            // if the test JVM goes first, no child may outlive it and hold its port
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, name + "-reaper"));
            return new ChildProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM; SIGKILL if it has not stopped within 60 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until a line of the log starts with {@code prefix}. */
    void awaitLogLine(String prefix, Duration timeout) {
        await(timeout, () -> {
            try {
                return Files.readAllLines(log, StandardCharsets.UTF_8).stream().anyMatch(line -> line.startsWith(prefix));
            } catch (IOException | UncheckedIOException e) {
                return false; // a partial line of a multi-byte character, or not written yet
            }
        }, "'" + prefix + "' in its log");
    }

    /** Waits until {@code url} answers with a status {@code ready} accepts. */
    void awaitHttp(String url, IntPredicate ready, Duration timeout) {
        await(timeout, () -> {
            try {
                HttpResponse<String> response = HttpGet.get(url, Duration.ofSeconds(5));
                return ready.test(response.statusCode());
            } catch (UncheckedIOException notListening) {
                return false;
            }
        }, url);
    }

    private void await(Duration timeout, Check check, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before " + what + "; see " + log);
            }
            if (check.passes()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " did not show " + what + " within " + timeout + "; see " + log);
    }

    private interface Check {
        boolean passes();
    }
}
