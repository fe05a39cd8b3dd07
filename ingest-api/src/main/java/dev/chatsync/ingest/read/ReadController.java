package dev.chatsync.ingest.read;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.read.ConversationReads.Lookup;
import dev.chatsync.ingest.read.ConversationReads.StoredConversation;
import dev.chatsync.ingest.read.ConversationReads.StoredMessage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import reactor.core.publisher.Mono;

/**
 * The read side, straight from Postgres: what the persister has stored, so a write answered 202 shows
 * up here once the persister caught up (usually well under a second). Every answer carries a weak
 * ETag ({@link EntityTags}); a matching If-None-Match is answered 304 from the first, stamp-reading
 * statement, before any message row is read.
 */
@RestController
class ReadController {

    private static final Pattern CURSOR = Pattern.compile("[0-9]{1,18}");

    private final ConversationReads reads;
    private final JdbcScheduler jdbc;
    private final ClientIds ids;
    private final ReadProperties properties;

    ReadController(ConversationReads reads, JdbcScheduler jdbc, IngestLimits limits, ReadProperties properties) {
        this.reads = reads;
        this.jdbc = jdbc;
        this.ids = new ClientIds(limits);
        this.properties = properties;
    }

    @Operation(summary = "The caller's conversations, or one conversation with its messages",
            description = "No parameter: the caller's conversations (metadata only), most recently updated first, at most `limit` of them. "
                    + "personaId: the caller's most recent conversation with that persona and its messages (conversation null when there is none). "
                    + "conversationId: that conversation's messages in order (404 when the caller has no such conversation). "
                    + "Messages come in pages of `limit` (default 500); pass `nextCursor` back as `cursor` for the next page. "
                    + "Every answer has a weak ETag; send it back as If-None-Match and an unchanged answer is a 304 without a body.")
    @GetMapping(path = "/api/messages", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Object>> get(@AuthenticationPrincipal Jwt caller,
            @Parameter(description = "A conversation id of the caller") @RequestParam(required = false) String conversationId,
            @Parameter(description = "A persona id") @RequestParam(required = false) String personaId,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(description = "Messages per page, 1 to the configured maximum") @RequestParam(required = false) String limit,
            @Parameter(description = "ETag of the copy the client holds") @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        String userId = caller.getSubject();
        List<FieldViolation> violations = new ArrayList<>();
        if (conversationId != null) {
            add(violations, ids.check("conversationId", conversationId));
        }
        if (personaId != null) {
            add(violations, ids.check("personaId", personaId));
        }
        if (conversationId != null && personaId != null) {
            violations.add(new FieldViolation("personaId", "exclusive", "give conversationId or personaId, not both"));
        }
        long after = 0;
        if (cursor != null) {
            if (CURSOR.matcher(cursor).matches()) {
                after = Long.parseLong(cursor);
            } else {
                violations.add(new FieldViolation("cursor", "cursor", "not a cursor this API returned"));
            }
        }
        int pageSize = PageLimit.parse(limit, properties, violations);
        if (!violations.isEmpty()) {
            return Mono.error(ProblemException.invalid(violations));
        }
        long afterSeq = after;
        int size = pageSize;
        if (conversationId != null) {
            return jdbc.run(() -> {
                Lookup found = reads.conversation(userId, conversationId)
                        .orElseThrow(() -> ProblemException.notFound("conversationId", "You have no conversation with this id."));
                String tag = EntityTags.of(found.stamp(), "conversation", userId, conversationId, afterSeq, size);
                return EntityTags.respond(ifNoneMatch, tag, () -> page(found.conversation(), afterSeq, size));
            });
        }
        if (personaId != null) {
            return jdbc.run(() -> {
                Lookup found = reads.latestWithPersona(userId, personaId);
                String tag = EntityTags.of(found.stamp(), "persona", userId, personaId, afterSeq, size);
                return EntityTags.respond(ifNoneMatch, tag, () -> found.conversation() == null
                        ? new ConversationPage(null, List.of(), null) : page(found.conversation(), afterSeq, size));
            });
        }
        // Bounded like every other read: the newest `limit` conversations (default page size).
        return jdbc.run(() -> {
            String tag = EntityTags.of(reads.stampOfConversations(userId), "list", userId, size);
            return EntityTags.respond(ifNoneMatch, tag,
                    () -> new ConversationList(reads.conversationsOf(userId, size).stream().map(ConversationView::of).toList()));
        });
    }

    @Operation(summary = "The caller's usage today (UTC)",
            description = "User messages newly stored today, counted by the persister (re-syncs never count twice), and the configured daily limit. "
                    + "Tagged by its own values: If-None-Match answers 304 while they stay the same.")
    @GetMapping(path = "/api/usage", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Object>> usage(@AuthenticationPrincipal Jwt caller,
            @Parameter(description = "ETag of the copy the client holds") @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String userId = caller.getSubject();
        return jdbc.run(() -> reads.messagesStoredOn(userId, today)).map(used -> {
            // rate_limits carries no change stamp; the row is one tiny read, so the tag is its value
            String tag = EntityTags.of(today + "." + used, "usage", userId, properties.dailyLimit());
            return EntityTags.respond(ifNoneMatch, tag,
                    () -> new Usage(today, used, properties.dailyLimit(), Math.max(0, properties.dailyLimit() - used)));
        });
    }

    private ConversationPage page(StoredConversation conversation, long afterSeq, int size) {
        List<StoredMessage> rows = reads.messages(conversation.pk(), afterSeq, size + 1);
        boolean more = rows.size() > size;
        List<StoredMessage> page = more ? rows.subList(0, size) : rows;
        String nextCursor = more ? Long.toString(page.get(page.size() - 1).seq()) : null;
        return new ConversationPage(ConversationView.of(conversation), page.stream().map(ReadController::view).toList(), nextCursor);
    }

    private static MessageView view(StoredMessage m) {
        return new MessageView(m.id(), m.role(), m.content(), m.parts(), m.metadata(), m.revision(), m.conflicts(), m.createdAt(),
                m.updatedAt());
    }

    private static void add(List<FieldViolation> violations, FieldViolation violation) {
        if (violation != null) {
            violations.add(violation);
        }
    }

    record ConversationList(List<ConversationView> conversations) {
    }

    record ConversationPage(ConversationView conversation, List<MessageView> messages, String nextCursor) {
    }

    record ConversationView(String conversationId, String personaId, String title, Instant createdAt, Instant updatedAt) {
        static ConversationView of(StoredConversation c) {
            return new ConversationView(c.conversationId(), c.personaId(), c.title(), c.createdAt(), c.updatedAt());
        }
    }

    record Usage(LocalDate day, int used, int limit, int remaining) {
    }
}
