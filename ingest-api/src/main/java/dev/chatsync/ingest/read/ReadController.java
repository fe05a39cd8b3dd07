package dev.chatsync.ingest.read;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.read.ConversationReads.StoredConversation;
import dev.chatsync.ingest.read.ConversationReads.StoredMessage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import reactor.core.publisher.Mono;

/**
 * The read side, straight from Postgres: what the persister has stored, so a write answered 202 shows
 * up here once the persister caught up (usually well under a second).
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
                    + "Messages come in pages of `limit` (default 500); pass `nextCursor` back as `cursor` for the next page.")
    @GetMapping(path = "/api/messages", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<?> get(@AuthenticationPrincipal Jwt caller,
            @Parameter(description = "A conversation id of the caller") @RequestParam(required = false) String conversationId,
            @Parameter(description = "A persona id") @RequestParam(required = false) String personaId,
            @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false) String cursor,
            @Parameter(description = "Messages per page, 1 to the configured maximum") @RequestParam(required = false) String limit) {
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
        int pageSize = properties.defaultPageSize();
        if (limit != null) {
            pageSize = parseLimit(limit, violations);
        }
        if (!violations.isEmpty()) {
            return Mono.error(ProblemException.invalid(violations));
        }
        long afterSeq = after;
        int size = pageSize;
        if (conversationId != null) {
            return jdbc.run(() -> reads.conversation(userId, conversationId)
                    .map(conversation -> page(conversation, afterSeq, size))
                    .orElseThrow(() -> ProblemException.notFound("conversationId", "You have no conversation with this id.")));
        }
        if (personaId != null) {
            return jdbc.run(() -> reads.latestWithPersona(userId, personaId)
                    .map(conversation -> page(conversation, afterSeq, size))
                    .orElseGet(() -> new ConversationPage(null, List.of(), null)));
        }
        // Bounded like every other read: the newest `limit` conversations (default page size).
        return jdbc.run(() -> new ConversationList(reads.conversationsOf(userId, size).stream().map(ConversationView::of).toList()));
    }

    @Operation(summary = "The caller's usage today (UTC)",
            description = "User messages newly stored today, counted by the persister (re-syncs never count twice), and the configured daily limit.")
    @GetMapping(path = "/api/usage", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<Usage> usage(@AuthenticationPrincipal Jwt caller) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return jdbc.run(() -> reads.messagesStoredOn(caller.getSubject(), today))
                .map(used -> new Usage(today, used, properties.dailyLimit(), Math.max(0, properties.dailyLimit() - used)));
    }

    private ConversationPage page(StoredConversation conversation, long afterSeq, int size) {
        List<StoredMessage> rows = reads.messages(conversation.pk(), afterSeq, size + 1);
        boolean more = rows.size() > size;
        List<StoredMessage> page = more ? rows.subList(0, size) : rows;
        String nextCursor = more ? Long.toString(page.get(page.size() - 1).seq()) : null;
        return new ConversationPage(ConversationView.of(conversation), page.stream().map(MessageView::of).toList(), nextCursor);
    }

    private int parseLimit(String limit, List<FieldViolation> violations) {
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= properties.maxPageSize()) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, like an out-of-range number
        }
        violations.add(new FieldViolation("limit", "range", "an integer from 1 to " + properties.maxPageSize()));
        return 0;
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

    record MessageView(String id, String role, String content, int revision, Instant createdAt, Instant updatedAt) {
        static MessageView of(StoredMessage m) {
            return new MessageView(m.id(), m.role(), m.content(), m.revision(), m.createdAt(), m.updatedAt());
        }
    }

    record Usage(LocalDate day, int used, int limit, int remaining) {
    }
}
