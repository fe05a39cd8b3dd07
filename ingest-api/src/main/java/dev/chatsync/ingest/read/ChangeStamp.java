package dev.chatsync.ingest.read;

/**
 * What a read's ETag is made of: the newest change stamp of the rows it answers from, and the horizon
 * of the statement that read it ({@code pg_snapshot_xmin(pg_current_snapshot())}).
 *
 * @param newest  the newest stamp (a transaction id) of the rows behind the response
 * @param horizon every transaction with a lower id had ended when the stamp was read
 */
record ChangeStamp(long newest, long horizon) {

    static ChangeStamp parse(String newest, String horizon) {
        return new ChangeStamp(newest == null ? 0 : Long.parseLong(newest), Long.parseLong(horizon));
    }

    /**
     * The stamp alone while it is below the horizon: every transaction that could still commit has a
     * higher id and moves it. At or above the horizon, a transaction with a lower id may still commit
     * rows stamped below it without moving it, so the version carries the horizon too and changes once
     * that transaction ends.
     */
    String version() {
        return newest < horizon ? Long.toString(newest) : newest + "." + horizon;
    }
}
