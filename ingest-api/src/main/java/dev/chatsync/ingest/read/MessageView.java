package dev.chatsync.ingest.read;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A stored message as every read answers it (the pages of {@code /api/messages} and the changes
 * feed). {@code parts} and {@code metadata} are the jsonb text Postgres returns, written into the
 * response as JSON as it is: parsing it only to print it again would cost a tree per message. They are
 * left out when the message has none, and {@code conflicts} when it is 0, so a plain-content client
 * on one device sees what it always saw.
 */
public record MessageView(
        String id,
        String role,
        String content,
        @Schema(type = "array", description = "The message's parts as posted (the AI SDK's UIMessage parts); absent when it has none")
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonRawValue String parts,
        @Schema(type = "object", description = "The message's metadata as posted; absent when it has none")
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonRawValue String metadata,
        int revision,
        @Schema(description = "How many versions of this message were kept as conflicts: edits made on another device from an older "
                + "revision, or the loser of two edits of the same revision (GET /api/messages/revisions lists them); absent when none",
                minimum = "1", requiredMode = Schema.RequiredMode.NOT_REQUIRED)
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int conflicts,
        Instant createdAt,
        Instant updatedAt) {
}
