package dev.chatsync.benchmarks.race;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time of processes from {@code /proc/<pid>/stat}: one JVM, or a Postgres server with all its
 * processes (the postmaster, the backends, the checkpointer, the WAL writer, autovacuum), those that
 * already exited included through the postmaster's reaped-children counters.
 */
final class ProcessCpu {

    // USER_HZ, the unit of /proc/<pid>/stat's times; 100 on every Linux the project runs on
    private static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    static Duration of(long pid) {
        long[] times = times(pid);
        return ticks(times[0] + times[1]);
    }

    static Duration ofServer(long postmasterPid) {
        long[] postmaster = times(postmasterPid);
        long ticks = postmaster[0] + postmaster[1] + postmaster[2] + postmaster[3];
        for (ProcessHandle child : ProcessHandle.of(postmasterPid).orElseThrow().children().toList()) {
            long[] times = times(child.pid());
            ticks += times[0] + times[1];
        }
        return ticks(ticks);
    }

    private static Duration ticks(long ticks) {
        return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    }

    /** utime, stime, cutime, cstime; zeros for a process that has just exited. */
    private static long[] times(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException exited) {
            return new long[4];
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat", e);
        }
        // the command name, in parentheses, may hold spaces: count the fields after its closing one
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]), Long.parseLong(fields[14])};
    }

    /** The parent of a process: for a Postgres backend, its postmaster. */
    static long parentOf(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).orElseThrow(() -> new IllegalStateException("no parent of " + pid)).pid();
    }
}
