package dev.chatsync.ingest.imports;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A conversation of a chat-sync export (its fields are a POST body's, plus times), read back for an
 * import. A message keeps its id, role, content, parts, metadata and createdAt; its updatedAt becomes
 * the time of its event. Its revision number, conflicts and earlier versions are not imported: the
 * importing account starts the message's history afresh with the exported version.
 */
final class ExportedConversation {

    /** The fields of a message that a POST carries; the rest of an exported message is not written again. */
    private static final Set<String> POSTED = Set.of("id", "role", "content", "parts", "metadata", "createdAt");

    private ExportedConversation() {
    }

    static ImportedConversation read(String path, JsonNode conversation, int maxMessages) {
        if (!conversation.isObject()) {
            throw ProblemException.invalid(path, "type", "must be an object");
        }
        List<FieldViolation> violations = new ArrayList<>();
        JsonNode messages = conversation.get("messages");
        if (messages != null && messages.isArray() && messages.size() > maxMessages) {
            throw ProblemException.invalid(path + ".messages", "max_items", "at most " + maxMessages + " messages per conversation");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        for (String field : List.of("conversationId", "personaId", "title")) {
            if (conversation.has(field)) {
                body.set(field, conversation.get(field));
            }
        }
        Instant createdAt = instant(conversation.get("createdAt"), path + ".createdAt", violations);
        Instant updatedAt = instant(conversation.get("updatedAt"), path + ".updatedAt", violations);
        List<Instant> times = new ArrayList<>();
        if (messages == null || !messages.isArray()) {
            body.set("messages", messages);
        } else {
            var posted = body.putArray("messages");
            for (int i = 0; i < messages.size(); i++) {
                JsonNode message = messages.get(i);
                if (!message.isObject()) {
                    posted.add(message);
                    times.add(null);
                    continue;
                }
                ObjectNode copy = posted.addObject();
                for (Map.Entry<String, JsonNode> field : message.properties()) {
                    if (POSTED.contains(field.getKey())) {
                        copy.set(field.getKey(), field.getValue());
                    }
                }
                String messagePath = path + ".messages[" + i + "]";
                Instant changed = instant(message.get("updatedAt"), messagePath + ".updatedAt", violations);
                Instant created = instant(message.get("createdAt"), messagePath + ".createdAt", violations);
                times.add(changed != null ? changed : created != null ? created : updatedAt != null ? updatedAt : createdAt);
            }
        }
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
        return new ImportedConversation(body, createdAt, times, field -> field.equals("body") ? path : path + "." + field, Map.of());
    }

    /** An ISO-8601 instant, as exports write them, or epoch milliseconds as a POST also takes; null when absent. */
    private static Instant instant(JsonNode node, String path, List<FieldViolation> violations) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
            return Instant.ofEpochMilli(node.longValue());
        }
        if (node.isString()) {
            try {
                Instant instant = Instant.parse(node.stringValue());
                if (instant.getEpochSecond() >= 0) {
                    return instant;
                }
            } catch (DateTimeParseException e) {
                // named below, like every other wrong time
            }
        }
        violations.add(new FieldViolation(path, "timestamp", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, not before 1970"));
        return null;
    }
}
