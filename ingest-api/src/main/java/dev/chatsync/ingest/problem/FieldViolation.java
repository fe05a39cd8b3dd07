package dev.chatsync.ingest.problem;

/**
 * One broken rule in a request: {@code field} is a path into the request as the client wrote it
 * ({@code messages[3].role}, {@code conversationId}, {@code body}), {@code rule} a stable machine name.
 */
public record FieldViolation(String field, String rule, String message) {
}
