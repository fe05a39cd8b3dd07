package dev.chatsync.persister.write;

/**
 * What one committed batch did, in records (messages counted per stored version).
 *
 * @param inserted       new messages
 * @param updated        message versions that became current (each left the one it replaced as a revision)
 * @param keptAsConflict message versions kept as conflict revisions beside the current one: stale, or the
 *                       loser of two concurrent edits
 * @param unchanged      message versions identical to the stored one or to an earlier version it keeps
 * @param skippedDeleted message versions not stored because a delete removed their message
 * @param skippedAccountDeleted events not written because their user's account is deleted ({@link AccountGate})
 * @param deleted        conversations deleted (each left a tombstone)
 * @param deadLettered   records sent to the dead-letter topic
 * @param alreadyApplied records below the partition's stored position, skipped
 */
public record BatchResult(int inserted, int updated, int keptAsConflict, int unchanged, int skippedDeleted, int skippedAccountDeleted,
                          int deleted, int deadLettered, int alreadyApplied) {
}
