package dev.chatsync.faults.inject;

import dev.chatsync.faults.processes.Pipeline;

/** One way the pipeline breaks in production, done to it while the load runs, and undone. */
public interface Fault {

    /** How the report names it. */
    String name();

    /** Breaks the pipeline and repairs it; returns once repaired (the backlog it caused may still be draining). */
    void inject(Pipeline pipeline) throws Exception;
}
