package dev.chatsync.persister.metrics;

/** The steps of one batch, each timed as {@code chatsync.persister.stage{stage}}, in the order they run. */
public enum Stage {
    DECODE("decode"),
    LOCK_OFFSETS("lock-offsets"),
    /** setting and releasing the savepoints a refused record rolls back to, once a batch was refused */
    SAVEPOINTS("savepoints"),
    FOLD("fold"),
    USERS("users"),
    DELETES("deletes"),
    CONVERSATIONS("conversations"),
    /** sorting a round's messages by digest into new, unchanged and different */
    MESSAGE_PROBE("message-probe"),
    /** the binary COPY of new messages */
    MESSAGE_COPY("message-copy"),
    /** the exact comparison and write of messages that differ from the stored version */
    MESSAGES("messages"),
    RATE_LIMITS("rate-limits"),
    ADVANCE_OFFSETS("advance-offsets"),
    DEAD_LETTERS("dead-letters"),
    COMMIT("commit");

    private final String tag;

    Stage(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
