package dev.chatsync.benchmarks.race;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A sink in a JVM of its own, so that its CPU is its own: neither the broker's nor the benchmark's. */
final class SinkProcess implements AutoCloseable {

    private final Process process;
    private final File log;

    private SinkProcess(Process process, File log) {
        this.process = process;
        this.log = log;
    }

    static SinkProcess start(List<String> command, File log) throws IOException {
        log.getParentFile().mkdirs();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        // if this JVM goes first (Ctrl-C, a failure), the sink must not outlive it
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return new SinkProcess(process, log);
    }

    boolean alive() {
        return process.isAlive();
    }

    Duration cpu() {
        return ProcessCpu.of(process.pid());
    }

    File log() {
        return log;
    }

    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the sink exited with " + process.exitValue() + "; see " + log);
        }
    }

    @Override
    public void close() throws InterruptedException {
        // SIGTERM: a graceful shutdown, as an orchestrator would stop it
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
