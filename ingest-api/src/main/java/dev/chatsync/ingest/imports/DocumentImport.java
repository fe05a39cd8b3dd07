package dev.chatsync.ingest.imports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.http.HttpStatus;

import dev.chatsync.ingest.export.ExportFormat;
import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.write.ImportWrites;
import tools.jackson.databind.JsonNode;

/**
 * One import body, read as it arrives: each conversation is mapped to a POST's shape and checked by
 * the write path's rules the moment it is complete, and kept as checked messages only. The first
 * broken rule ends the import with a 400 naming its path in the document; nothing is published
 * before the whole document passed.
 */
final class DocumentImport implements StreamedDocument.Listener {

    /** A checked conversation with the times its events carry. */
    record Ready(ImportWrites.Checked conversation, Instant createdAt, List<Instant> messageTimes) {
    }

    /** What a document brought, ready to publish. */
    record Result(String format, List<Ready> conversations, int messages, Map<String, Integer> skipped) {
    }

    private final ImportProperties properties;
    private final ImportWrites writes;
    private final ClientIds ids;
    private final Instant now;
    private final StreamedDocument document;
    private final List<Ready> ready = new ArrayList<>();
    private final Set<String> conversationIds = new HashSet<>();
    private final Map<String, Integer> skipped = new TreeMap<>();
    private int messages;
    private boolean hadFormat;

    DocumentImport(ImportProperties properties, ImportWrites writes, ClientIds ids, Instant now) {
        this.properties = properties;
        this.writes = writes;
        this.ids = ids;
        this.now = now;
        this.document = new StreamedDocument(properties.maxBytes().toBytes(), this);
    }

    void feed(byte[] chunk) {
        document.feed(chunk);
    }

    Result finish() {
        document.end();
        if (document.form() == StreamedDocument.Form.CHAT_SYNC_EXPORT) {
            if (!hadFormat) {
                throw ProblemException.invalid("$.format", "required", "must be \"" + ExportFormat.NAME + "\"");
            }
            if (!document.hadConversations()) {
                throw ProblemException.invalid("$.conversations", "required", "is required (may be empty)");
            }
        }
        String format = document.form() == StreamedDocument.Form.CHATGPT ? "chatgpt" : ExportFormat.NAME;
        return new Result(format, ready, messages, skipped);
    }

    @Override
    public void property(String name, JsonNode value) {
        switch (name) {
            case "format" -> {
                if (!value.isString() || !value.stringValue().equals(ExportFormat.NAME)) {
                    throw ProblemException.invalid("$.format", "one_of", "must be \"" + ExportFormat.NAME + "\"");
                }
                hadFormat = true;
            }
            case "version" -> {
                if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() != ExportFormat.VERSION) {
                    throw ProblemException.invalid("$.version", "supported", "must be " + ExportFormat.VERSION + ", the version this server reads");
                }
            }
            case "conversations" -> throw ProblemException.invalid("$.conversations", "type", "must be an array");
            // exportedAt, revisions and whatever a later version adds that this one can do without
            default -> {
            }
        }
    }

    @Override
    public void conversation(int index, String path, JsonNode conversation) {
        if (index >= properties.maxConversations()) {
            throw ProblemException.invalid(document.form() == StreamedDocument.Form.CHATGPT ? "$" : "$.conversations", "max_items",
                    "at most " + properties.maxConversations() + " conversations per import");
        }
        int maxMessages = properties.maxMessagesPerConversation();
        ImportedConversation imported = document.form() == StreamedDocument.Form.CHATGPT
                ? ChatGptConversation.read(path, conversation, properties.chatgptPersonaId(), ids, maxMessages)
                : ExportedConversation.read(path, conversation, maxMessages);
        ImportWrites.Checked checked;
        try {
            checked = writes.check(imported.body(), maxMessages);
        } catch (ProblemException problem) {
            throw problem.status() == HttpStatus.BAD_REQUEST ? ProblemException.invalid(problem.violations().stream()
                    .map(v -> new FieldViolation(imported.sourcePath().apply(v.field()), v.rule(), v.message())).toList()) : problem;
        }
        if (!conversationIds.add(checked.conversationId())) {
            throw ProblemException.invalid(imported.sourcePath().apply("conversationId"), "unique",
                    "another conversation of this document has the same id");
        }
        List<Instant> times = new ArrayList<>(imported.messageTimes().size());
        // a conversation without its own start time starts with its earliest message
        Instant fallback = notLater(imported.createdAt() != null ? imported.createdAt()
                : imported.messageTimes().stream().filter(time -> time != null).min(Instant::compareTo).orElse(null));
        for (Instant time : imported.messageTimes()) {
            times.add(time == null ? fallback : notLater(time));
        }
        ready.add(new Ready(checked, fallback, times));
        messages += checked.messages();
        imported.skipped().forEach((reason, count) -> skipped.merge(reason, count, Integer::sum));
    }

    /**
     * An event's time as the document gives it, but never later than now: an event stamped in the
     * future would count against a day that has not come and put updated_at ahead of later writes.
     */
    private Instant notLater(Instant time) {
        return time == null || time.isAfter(now) ? now : time;
    }
}
