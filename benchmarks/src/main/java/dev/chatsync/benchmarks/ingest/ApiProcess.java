package dev.chatsync.benchmarks.ingest;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.chatsync.benchmarks.jvm.ProjectClasspath;
import dev.chatsync.ingest.IngestApiApplication;
import dev.chatsync.inprocess.CommandLine;
import dev.chatsync.testsupport.HttpGet;

/**
 * The ingest-api in a JVM of its own, as it runs in production: the benchmark's load generator and
 * broker then neither share its heap and GC pauses nor pollute its JIT profiles (one JVM running
 * both the HTTP client and server compiled and threw away the same Reactor methods for minutes).
 * Output goes to {@code target/bench-api.log}.
 */
public final class ApiProcess implements AutoCloseable {

    private static final Pattern SAMPLE = Pattern.compile("(?m)^(\\w+(?:\\{[^}]*})?) ([0-9.eE+-]+)$");

    private final Process process;
    private final int port;

    private ApiProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static ApiProcess start(Map<String, String> settings, List<String> jvmOptions) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(ProjectClasspath.java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(ProjectClasspath.of());
        command.add(IngestApiApplication.class.getName());
        command.add("--server.port=" + port);
        command.addAll(Arrays.asList(CommandLine.arguments(settings)));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(new File("target/bench-api.log"))
                .start();
        // if this JVM goes first (Ctrl-C, a failure), the API must not outlive it
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        ApiProcess api = new ApiProcess(process, port);
        api.awaitReady(Duration.ofSeconds(90));
        return api;
    }

    public int port() {
        return port;
    }

    /** CPU time the API's JVM has used so far, all of its threads (JIT and GC included). */
    public Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * CPU the API's JIT compiler threads have used so far, as Linux counts it per thread (zero
     * elsewhere): on 2 cores they work through their queue for minutes, beside the requests measured.
     */
    public Duration compilerCpu() {
        long ticks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path thread : threads) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                // "tid (name) state ...": the name may hold spaces; utime and stime are the 14th and 15th fields
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.contains("CompilerThre")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
        } catch (IOException notLinux) {
            return Duration.ZERO;
        }
        // /proc counts in USER_HZ, 100 a second on Linux whatever the kernel's own tick
        return Duration.ofMillis(ticks * 10);
    }

    /** The API's own Prometheus samples, by series ({@code name{labels}}), from its unauthenticated scrape. */
    public Map<String, Double> metrics() {
        return samples(get("/actuator/prometheus").body());
    }

    /** The samples of a Prometheus scrape by series, the API's or another service's. */
    public static Map<String, Double> samples(String scrape) {
        Matcher samples = SAMPLE.matcher(scrape);
        Map<String, Double> values = new HashMap<>();
        while (samples.find()) {
            values.put(samples.group(1), Double.parseDouble(samples.group(2)));
        }
        return values;
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the API exited with " + process.exitValue() + "; see target/bench-api.log");
            }
            try {
                if (get("/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYetListening) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the API was not ready within " + timeout + "; see target/bench-api.log");
    }

    private HttpResponse<String> get(String path) {
        return HttpGet.get("http://127.0.0.1:" + port + path, Duration.ofSeconds(5));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        // SIGTERM: a graceful shutdown, as an orchestrator would stop it
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
