package dev.chatsync.ingest.changes;

/**
 * Where a row stands in the changes feed: its change stamp, then its conversation's id, then its
 * message's seq (0 for the conversation row and for a tombstone, which come before the messages of
 * their transaction). Rows of one transaction are so ordered by conversation, and within one by the
 * order its messages were stored.
 */
record FeedKey(long xid, long pk, long seq) implements Comparable<FeedKey> {

    /** Before every row, those stamped 0 (older than the change stamps) included. */
    static final FeedKey START = new FeedKey(0, -1, -1);

    /** After every row stamped below {@code xid}, before every row stamped at or after it. */
    static FeedKey before(long xid) {
        return new FeedKey(xid - 1, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    FeedKey max(FeedKey other) {
        return compareTo(other) >= 0 ? this : other;
    }

    @Override
    public int compareTo(FeedKey other) {
        int byXid = Long.compare(xid, other.xid);
        if (byXid != 0) {
            return byXid;
        }
        int byPk = Long.compare(pk, other.pk);
        return byPk != 0 ? byPk : Long.compare(seq, other.seq);
    }
}
