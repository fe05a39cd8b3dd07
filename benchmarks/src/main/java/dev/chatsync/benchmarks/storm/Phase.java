package dev.chatsync.benchmarks.storm;

/** The parts of a run, back to back; steady chat goes on through all of them. */
enum Phase {
    /** Steady chat to settle the JITs and the database's caches; not measured. */
    WARM_UP("warm-up"),
    /** Steady chat alone. */
    STEADY("steady"),
    /** Every conversation's periodic sync, compressed into the storm window, on top of steady chat. */
    STORM("storm"),
    /** Steady chat again while the storm's backlog drains. */
    AFTER("after");

    final String label;

    Phase(String label) {
        this.label = label;
    }

    static final Phase[] MEASURED = {STEADY, STORM, AFTER};
}
