package dev.chatsync.faults.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.chatsync.inprocess.CommandLine;

/** Persister JVMs from the executable jar, all in one consumer group. */
public final class PersisterGroup {

    private final Path jar;
    private final Map<String, String> settings;
    private final Path logs;
    private final AtomicInteger started = new AtomicInteger();
    private final List<ChildProcess> members = new CopyOnWriteArrayList<>();

    PersisterGroup(Path jar, Map<String, String> settings, Path logs) {
        this.jar = jar;
        this.settings = settings;
        this.logs = logs;
    }

    /** Starts {@code count} members at once; returns when each serves its actuator (it has joined or is joining the group). */
    public void add(int count) {
        List<Thread> starting = IntStream.range(0, count).mapToObj(i -> new Thread(this::addOne, "persister-start")).toList();
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        starting.forEach(thread -> {
            thread.setUncaughtExceptionHandler((t, e) -> failures.add(new IllegalStateException(e)));
            thread.start();
        });
        for (Thread thread : starting) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /** kill -9 of the member that has run longest. */
    public void killOne() {
        ChildProcess victim = members.remove(0);
        victim.kill();
    }

    /** SIGTERM to the newest member: it leaves the group and its partitions move to the others. */
    public void stopOne() {
        members.remove(members.size() - 1).stop();
    }

    public int size() {
        return members.size();
    }

    /** Members that are not running although nobody killed or stopped them. */
    public List<String> dead() {
        return members.stream().filter(member -> !member.alive()).map(ChildProcess::name).toList();
    }

    private void addOne() {
        int n = started.incrementAndGet();
        int port = Ports.free();
        Map<String, String> own = new LinkedHashMap<>(settings);
        own.put("server.port", String.valueOf(port));
        List<String> arguments = new ArrayList<>(List.of("-jar", jar.toString()));
        arguments.addAll(List.of(CommandLine.arguments(own)));
        ChildProcess member = ChildProcess.java("persister-" + n, arguments, logs.resolve("persister-" + n + ".log"));
        // any answer: health is DOWN while the database is away, and it is still a running member
        member.awaitHttp("http://127.0.0.1:" + port + "/actuator/health", status -> status > 0, Duration.ofSeconds(120));
        members.add(member);
    }

    void stopAll() {
        members.forEach(ChildProcess::stop);
        members.clear();
    }
}
