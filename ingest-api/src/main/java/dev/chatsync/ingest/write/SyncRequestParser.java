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
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a POST body into a {@link SyncRequest} or a 400 naming every broken rule. Works on the JSON
 * tree rather than data binding so each violation can name the exact field as the client wrote it
 * ({@code messages[3].content}) and wrong types read as rules, not as Jackson internals.
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

    SyncRequestParser(IngestLimits limits) {
        this.reader = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build()
                .reader();
        this.limits = limits;
        this.ids = new ClientIds(limits);
    }

    /** The body as it arrived; empty when the request had none. */
    SyncRequest parse(InputStream body) {
        JsonNode root = readTree(body);
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
            String content = content(element.get("content"), path + ".content", violations);
            Instant createdAt = createdAt(element.get("createdAt"), path + ".createdAt", violations);
            if (id != null && role != null && content != null) {
                messages.add(new SyncRequest.Message(id, role, content, createdAt));
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
        String content = requiredString(node, path, violations);
        if (content == null) {
            return null;
        }
        if (content.isEmpty()) {
            violations.add(new FieldViolation(path, "not_empty", "must not be empty"));
            return null;
        }
        long max = limits.maxContentBytes().toBytes();
        if (exceedsUtf8(content, max)) {
            violations.add(new FieldViolation(path, "max_bytes", "at most " + max + " bytes (UTF-8)"));
            return null;
        }
        return storable(path, content, violations) ? content : null;
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
     * Postgres text cannot hold NUL, and a lone UTF-16 surrogate has no UTF-8 form (the Avro encoder
     * would silently turn it into '?'): either would corrupt or dead-letter the message downstream.
     */
    private static boolean storable(String path, String text, List<FieldViolation> violations) {
        if (text.indexOf('\u0000') >= 0) {
            violations.add(new FieldViolation(path, "no_nul", "must not contain NUL (\\u0000) characters"));
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    violations.add(new FieldViolation(path, "valid_unicode", "must not contain unpaired surrogates"));
                    return false;
                }
            }
        }
        return true;
    }

    /** UTF-8 size, counted only when the text could exceed {@code max} (a char is at most 3 bytes). */
    private static boolean exceedsUtf8(String text, long max) {
        if ((long) text.length() * 3 <= max) {
            return false;
        }
        if (text.length() > max) {
            return true;
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes > max;
    }
}
