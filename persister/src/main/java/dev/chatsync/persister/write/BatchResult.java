package dev.chatsync.persister.write;

/**
 * What one committed batch did, in records (messages counted per stored version).
 *
 * @param inserted       new messages
 * @param updated        messages whose role, content, parts or metadata changed (each left a revision)
 * @param unchanged      message versions identical to what was stored
 * @param deleted        conversations deleted (each left a tombstone)
 * @param deadLettered   records sent to the dead-letter topic
 * @param alreadyApplied records below the partition's stored position, skipped
 */
public record BatchResult(int inserted, int updated, int unchanged, int deleted, int deadLettered, int alreadyApplied) {
}
