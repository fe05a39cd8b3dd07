package dev.chatsync.faults.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A few users, each with devices writing conversations, all against one API; their acknowledged writes go to the model. */
public final class ChatLoad {

    private final List<Device> devices = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private ChatLoad() {
    }

    /** Starts {@code users} × {@code devicesPerUser} devices; {@code tokens} gives a user's session token. */
    public static ChatLoad start(ApiClient client, Model model, Function<String, String> tokens, int users, int devicesPerUser, long seed) {
        ChatLoad load = new ChatLoad();
        for (int u = 1; u <= users; u++) {
            for (int d = 1; d <= devicesPerUser; d++) {
                Device device = new Device("user_fault_" + u, "d" + d, client, model, tokens, seed * 1000 + u * 100 + d);
                Thread thread = new Thread(device, "device-" + u + "-" + d);
                thread.setUncaughtExceptionHandler((t, e) -> load.failures.add(e));
                load.devices.add(device);
                load.threads.add(thread);
            }
        }
        load.threads.forEach(Thread::start);
        return load;
    }

    /**
     * Lets every device finish the write it has under way and stops them; returns the devices that
     * could not within {@code timeout} (their last write was never acknowledged), which are interrupted.
     */
    public List<String> stop(Duration timeout) throws InterruptedException {
        devices.forEach(Device::stop);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> unfinished = new ArrayList<>();
        for (Thread thread : threads) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (thread.isAlive()) {
                unfinished.add(thread.getName());
                thread.interrupt();
            }
        }
        return unfinished;
    }

    /** What made a device give up: the API refused a write of it (a 4xx other than 429). */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }
}
