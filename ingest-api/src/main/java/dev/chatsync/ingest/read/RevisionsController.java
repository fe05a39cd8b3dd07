package dev.chatsync.ingest.read;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.read.ConversationReads.Lookup;
import dev.chatsync.ingest.read.ConversationReads.Revisions;
import dev.chatsync.ingest.read.ConversationReads.StoredRevision;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import reactor.core.publisher.Mono;

/**
 * A message's edit history: the versions the persister keeps besides the current one
 * (message_revisions), newest first: those a change replaced, and those kept as conflicts. Tagged by
 * the conversation's stamp, which moves whenever one of its messages changes or keeps a conflict.
 */
@RestController
class RevisionsController {

    private static final Pattern CURSOR = Pattern.compile("[1-9][0-9]{0,8}");

    private final ConversationReads reads;
    private final JdbcScheduler jdbc;
    private final ClientIds ids;
    private final ReadProperties properties;

    RevisionsController(ConversationReads reads, JdbcScheduler jdbc, IngestLimits limits, ReadProperties properties) {
        this.reads = reads;
        this.jdbc = jdbc;
        this.ids = new ClientIds(limits);
        this.properties = properties;
    }

    @Operation(summary = "A message's other versions, newest first",
            description = "The versions a change replaced, and those kept as conflicts (`conflict: true`: an edit made from an older revision "
                    + "than the one stored, or the loser of two edits of the same revision), each with its content, parts, metadata, role, "
                    + "revision number, the revision it was edited from (`basedOn`, when its writer sent one) and when it was stored and replaced, "
                    + "in pages of `limit`; pass `nextCursor` back as `cursor` for older ones. `revision` is the current version's number; "
                    + "a conflict may carry a higher one, numbers go to versions in the order they arrived. "
                    + "404 when the caller has no such conversation or it has no such message.",
            // the method answers Object (a page, or a 304 without one), so the page's shape is named here
            responses = @ApiResponse(responseCode = "200", description = "A page of the message's other versions",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = RevisionPage.class))))
    @GetMapping(path = "/api/messages/revisions", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Object>> revisions(@AuthenticationPrincipal Jwt caller,
            @Parameter(description = "A conversation id of the caller") @RequestParam(required = false) String conversationId,
            @Parameter(description = "A message id in that conversation") @RequestParam(required = false) String messageId,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(description = "Revisions per page, 1 to the configured maximum") @RequestParam(required = false) String limit,
            @Parameter(description = "ETag of the copy the client holds") @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        String userId = caller.getSubject();
        List<FieldViolation> violations = new ArrayList<>();
        Optional.ofNullable(ids.check("conversationId", conversationId)).ifPresent(violations::add);
        Optional.ofNullable(ids.check("messageId", messageId)).ifPresent(violations::add);
        int before = Integer.MAX_VALUE;
        if (cursor != null) {
            if (CURSOR.matcher(cursor).matches()) {
                before = Integer.parseInt(cursor);
            } else {
                violations.add(new FieldViolation("cursor", "cursor", "not a cursor this API returned"));
            }
        }
        int size = PageLimit.parse(limit, properties, violations);
        if (!violations.isEmpty()) {
            return Mono.error(ProblemException.invalid(violations));
        }
        int below = before;
        return jdbc.run(() -> {
            Lookup found = reads.conversation(userId, conversationId)
                    .orElseThrow(() -> ProblemException.notFound("conversationId", "You have no conversation with this id."));
            String tag = EntityTags.of(found.stamp(), "revisions", userId, conversationId, messageId, below, size);
            return EntityTags.respond(ifNoneMatch, tag, () -> {
                Revisions revisions = reads.revisions(found.conversation().pk(), messageId, below, size + 1)
                        .orElseThrow(() -> ProblemException.notFound("messageId", "This conversation has no message with this id."));
                return page(conversationId, messageId, revisions, size);
            });
        });
    }

    private static RevisionPage page(String conversationId, String messageId, Revisions revisions, int size) {
        List<StoredRevision> rows = revisions.earlier();
        boolean more = rows.size() > size;
        List<StoredRevision> page = more ? rows.subList(0, size) : rows;
        String nextCursor = more ? Integer.toString(page.get(page.size() - 1).revision()) : null;
        return new RevisionPage(conversationId, messageId, revisions.currentRevision(), page.stream().map(RevisionView::of).toList(), nextCursor);
    }

    record RevisionPage(String conversationId, String messageId, int revision, List<RevisionView> revisions, String nextCursor) {
    }

    record RevisionView(
            int revision,
            String role,
            String content,
            @Schema(type = "array", description = "That version's parts; absent when it had none")
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonRawValue String parts,
            @Schema(type = "object", description = "That version's metadata; absent when it had none")
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonRawValue String metadata,
            @Schema(description = "Whether this version was kept as a conflict: edited from an older revision than the one stored, "
                    + "or the loser of two edits of the same revision")
            boolean conflict,
            @Schema(description = "The revision this version was edited from; absent when its writer sent none", nullable = true)
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer basedOn,
            Instant storedAt,
            Instant replacedAt) {
        static RevisionView of(StoredRevision r) {
            return new RevisionView(r.revision(), r.role(), r.content(), r.parts(), r.metadata(), r.conflict(), r.basedOn(), r.storedAt(),
                    r.replacedAt());
        }
    }
}
