package dev.chatsync.ingest.write;

import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.schemas.event.MessageRole;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a POST body into a {@link SyncRequest} or a 400 naming every broken rule. Works on the JSON
 * tree rather than data binding so each violation can name the exact field as the client wrote it
 * ({@code messages[3].content}) and wrong types read as rules, not as Jackson internals.
 *
 * <p>A message's {@code parts} and {@code metadata} are checked by {@link MessageJson} and kept as
 * compact JSON text; a message with parts may leave out its content, which is then derived from them.
 *
 * <p>Unknown fields are ignored, at every level: chat front ends send extra message fields (ui state,
 * token counts) and newer clients may send more; nothing unknown is ever published. Duplicate keys
 * and trailing content make the body malformed.
 */
final class SyncRequestParser {

    /** More violations than this are summarised; a client fixing its body needs the first ones. */
    private static final int MAX_REPORTED = 50;

    private final ObjectReader reader;
    private final IngestLimits limits;
    private final ClientIds ids;
    private final MessageJson messageJson;

    SyncRequestParser(IngestLimits limits) {
        JsonMapper json = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // parts and metadata are stored as jsonb, whose numbers are exact decimals: a double
                // would round what the client sent, and stripped zeros would rewrite it
                .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
        this.reader = json.reader();
        this.limits = limits;
        this.ids = new ClientIds(limits);
        this.messageJson = new MessageJson(limits, json.writer());
    }

    /** The body as it arrived; empty when the request had none. */
    SyncRequest parse(InputStream body) {
        return parse(readTree(body));
    }

    /** A body already read as a JSON object (a conversation of an import); paths are relative to it. */
    SyncRequest parse(JsonNode root) {
        List<FieldViolation> violations = new ArrayList<>();
        String conversationId = id(root, "conversationId", "conversationId", violations);
        String personaId = id(root, "personaId", "personaId", violations);
        String title = title(root, violations);
        List<SyncRequest.Message> messages = messages(root.get("messages"), violations);
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations.size() > MAX_REPORTED ? violations.subList(0, MAX_REPORTED) : violations);
        }
        return new SyncRequest(conversationId, personaId, title, messages);
    }

    private JsonNode readTree(InputStream body) {
        JsonNode root;
        try {
            root = reader.readTree(body);
        } catch (JacksonException e) {
            throw ProblemException.invalid("body", "malformed_json", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw ProblemException.invalid("body", "required", "a JSON object is required");
        }
        if (!root.isObject()) {
            throw ProblemException.invalid("body", "type", "must be a JSON object");
        }
        return root;
    }

    private String id(JsonNode parent, String name, String path, List<FieldViolation> violations) {
        JsonNode node = parent.get(name);
        if (node != null && !node.isNull() && !node.isString()) {
            violations.add(new FieldViolation(path, "type", "must be a string"));
            return null;
        }
        FieldViolation violation = ids.check(path, node == null || node.isNull() ? null : node.stringValue());
        if (violation != null) {
            violations.add(violation);
            return null;
        }
        return node.stringValue();
    }

    private String title(JsonNode root, List<FieldViolation> violations) {
        JsonNode node = root.get("title");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            violations.add(new FieldViolation("title", "type", "must be a string or null"));
            return null;
        }
        String title = node.stringValue();
        if (title.length() > limits.maxTitleLength()) {
            violations.add(new FieldViolation("title", "max_length", "at most " + limits.maxTitleLength() + " characters"));
            return null;
        }
        return storable("title", title, violations) ? title : null;
    }

    private List<SyncRequest.Message> messages(JsonNode node, List<FieldViolation> violations) {
        if (node == null || node.isNull()) {
            violations.add(new FieldViolation("messages", "required", "is required (may be empty)"));
            return List.of();
        }
        if (!node.isArray()) {
            violations.add(new FieldViolation("messages", "type", "must be an array"));
            return List.of();
        }
        if (node.size() > limits.maxMessages()) {
            violations.add(new FieldViolation("messages", "max_items", "at most " + limits.maxMessages() + " messages per request"));
            return List.of();
        }
        List<SyncRequest.Message> messages = new ArrayList<>(node.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode element = node.get(i);
            if (!element.isObject()) {
                violations.add(new FieldViolation(path, "type", "must be an object"));
                continue;
            }
            String id = id(element, "id", path + ".id", violations);
            if (id != null && !seen.add(id)) {
                violations.add(new FieldViolation(path + ".id", "unique", "duplicate message id in this request"));
            }
            MessageRole role = role(element.get("role"), path + ".role", violations);
            JsonNode parts = element.get("parts");
            JsonNode contentNode = element.get("content");
            boolean derived = absent(contentNode) && !absent(parts);
            String content = derived ? null : content(contentNode, path + ".content", violations);
            MessageJson.Checked json = messageJson.check(parts, element.get("metadata"), path, violations);
            if (derived && json != null) {
                content = derivedContent(json.text(), path + ".parts", violations);
            }
            Instant createdAt = createdAt(element.get("createdAt"), path + ".createdAt", violations);
            JsonNode revisionNode = element.get("revision");
            Integer revision = revision(revisionNode, path + ".revision", violations);
            if (id != null && role != null && content != null && json != null && (revision != null || absent(revisionNode))) {
                messages.add(new SyncRequest.Message(id, role, content, createdAt, json.parts(), json.metadata(), revision));
            }
        }
        return messages;
    }

    private static MessageRole role(JsonNode node, String path, List<FieldViolation> violations) {
        String role = requiredString(node, path, violations);
        if (role == null) {
            return null;
        }
        return switch (role) {
            case "user" -> MessageRole.user;
            case "assistant" -> MessageRole.assistant;
            case "system" -> MessageRole.system;
            case "tool" -> MessageRole.tool;
            default -> {
                violations.add(new FieldViolation(path, "one_of", "must be one of user, assistant, system, tool"));
                yield null;
            }
        };
    }

    private String content(JsonNode node, String path, List<FieldViolation> violations) {
        if (absent(node)) {
            violations.add(new FieldViolation(path, "required", "is required unless the message has parts"));
            return null;
        }
        String content = requiredString(node, path, violations);
        if (content == null) {
            return null;
        }
        if (content.isEmpty()) {
            violations.add(new FieldViolation(path, "not_empty", "must not be empty"));
            return null;
        }
        long max = limits.maxContentBytes().toBytes();
        if (StorableText.exceedsUtf8(content, max)) {
            violations.add(new FieldViolation(path, "max_bytes", "at most " + max + " bytes (UTF-8)"));
            return null;
        }
        return storable(path, content, violations) ? content : null;
    }

    /**
     * A message sent with parts only has the text of its text parts as content, so reads, search and
     * usage work on it like on any other; bounded like content (its strings are checked already).
     */
    private String derivedContent(String text, String partsPath, List<FieldViolation> violations) {
        long max = limits.maxContentBytes().toBytes();
        if (StorableText.exceedsUtf8(text, max)) {
            violations.add(new FieldViolation(partsPath, "max_bytes", "its text parts together at most " + max + " bytes (UTF-8), the bound of content"));
            return null;
        }
        return text;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    /** The field's text, or null with the violation recorded when it is missing or not a string. */
    private static String requiredString(JsonNode node, String path, List<FieldViolation> violations) {
        if (node == null || node.isNull()) {
            violations.add(new FieldViolation(path, "required", "is required"));
            return null;
        }
        if (!node.isString()) {
            violations.add(new FieldViolation(path, "type", "must be a string"));
            return null;
        }
        return node.stringValue();
    }

    private static Instant createdAt(JsonNode node, String path, List<FieldViolation> violations) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            long millis = node.longValue();
            if (millis < 0) {
                violations.add(new FieldViolation(path, "timestamp", "epoch milliseconds must not be negative"));
                return null;
            }
            return Instant.ofEpochMilli(millis);
        }
        if (node.isString()) {
            try {
                Instant instant = Instant.parse(node.stringValue());
                if (instant.getEpochSecond() < 0) {
                    violations.add(new FieldViolation(path, "timestamp", "must not be before 1970"));
                    return null;
                }
                return instant;
            } catch (DateTimeParseException e) {
                violations.add(new FieldViolation(path, "timestamp", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z"));
                return null;
            }
        }
        violations.add(new FieldViolation(path, "type", "must be an ISO-8601 string or epoch milliseconds"));
        return null;
    }

    /**
     * The revision the client edited the message from, as reads return it: a JSON integer, positive
     * and within the stored revision numbers. "1" or 1.0 is refused rather than read as 1: reads never
     * return those, so a client sending them has a bug it should hear about.
     */
    private static Integer revision(JsonNode node, String path, List<FieldViolation> violations) {
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            violations.add(new FieldViolation(path, "type", "must be an integer: the revision a read returned"));
            return null;
        }
        if (!node.canConvertToInt() || node.intValue() < 1) {
            violations.add(new FieldViolation(path, "range", "must be 1 to " + Integer.MAX_VALUE));
            return null;
        }
        return node.intValue();
    }

    private static boolean storable(String path, String text, List<FieldViolation> violations) {
        FieldViolation violation = StorableText.violation(path, text);
        if (violation != null) {
            violations.add(violation);
            return false;
        }
        return true;
    }
}
