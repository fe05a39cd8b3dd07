package dev.chatsync.ingest.write;

import java.util.List;
import java.util.Map;

import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.FieldViolation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;

/**
 * A message's {@code parts} and {@code metadata} as the Vercel AI SDK's UIMessage has them, checked
 * and turned into the compact JSON text its event carries. chat-sync relies only on their shape
 * (parts an array of objects each with a string {@code type}, metadata an object) and on the text
 * parts for the derived content; everything else in them is opaque, except that every string and
 * key must be one Postgres jsonb can store.
 */
final class MessageJson {

    /**
     * What a message carries besides its content: compact JSON text of its parts and metadata (null
     * for the one the client did not send), and the concatenated text of its text parts (null
     * without parts).
     */
    record Checked(String parts, String metadata, String text) {
        static final Checked NONE = new Checked(null, null, null);
    }

    private final IngestLimits limits;
    private final ObjectWriter compact;

    MessageJson(IngestLimits limits, ObjectWriter compact) {
        this.limits = limits;
        this.compact = compact;
    }

    /** The message's parts and metadata, or null with every broken rule recorded. */
    Checked check(JsonNode parts, JsonNode metadata, String path, List<FieldViolation> violations) {
        if (absent(parts) && absent(metadata)) {
            return Checked.NONE;
        }
        int before = violations.size();
        String partsPath = path + ".parts";
        String metadataPath = path + ".metadata";
        StringBuilder text = new StringBuilder();
        String partsJson = absent(parts) || !validParts(parts, partsPath, text, violations) ? null : compact.writeValueAsString(parts);
        String metadataJson = absent(metadata) || !validMetadata(metadata, metadataPath, violations) ? null : compact.writeValueAsString(metadata);
        if (violations.size() > before) {
            return null;
        }
        // One budget for both, spent in the order they are read: the field that overdraws it is named.
        long max = limits.maxPartsBytes().toBytes();
        long partsBytes = partsJson == null ? 0 : StorableText.utf8Length(partsJson);
        if (partsBytes > max) {
            violations.add(tooLarge(partsPath, max));
            return null;
        }
        if (metadataJson != null && partsBytes + StorableText.utf8Length(metadataJson) > max) {
            violations.add(tooLarge(metadataPath, max));
            return null;
        }
        return new Checked(partsJson, metadataJson, partsJson == null ? null : text.toString());
    }

    private boolean validParts(JsonNode parts, String path, StringBuilder text, List<FieldViolation> violations) {
        if (!parts.isArray()) {
            violations.add(new FieldViolation(path, "type", "must be an array of objects, each with a string type"));
            return false;
        }
        if (parts.size() > limits.maxParts()) {
            violations.add(new FieldViolation(path, "max_items", "at most " + limits.maxParts() + " parts per message"));
            return false;
        }
        if (deeperThan(parts, limits.maxJsonDepth())) {
            violations.add(tooDeep(path));
            return false;
        }
        boolean valid = true;
        for (int i = 0; i < parts.size(); i++) {
            String partPath = path + "[" + i + "]";
            JsonNode part = parts.get(i);
            FieldViolation violation = part.isObject() ? partViolation(part, partPath)
                    : new FieldViolation(partPath, "type", "must be an object with a string type");
            if (violation != null) {
                violations.add(violation);
                valid = false;
            } else if ("text".equals(part.get("type").stringValue()) && part.get("text") != null && part.get("text").isString()) {
                text.append(part.get("text").stringValue());
            }
        }
        return valid;
    }

    private boolean validMetadata(JsonNode metadata, String path, List<FieldViolation> violations) {
        FieldViolation violation = !metadata.isObject() ? new FieldViolation(path, "type", "must be an object")
                : deeperThan(metadata, limits.maxJsonDepth()) ? tooDeep(path)
                : unstorable(metadata, path);
        if (violation != null) {
            violations.add(violation);
            return false;
        }
        return true;
    }

    private static FieldViolation partViolation(JsonNode part, String path) {
        JsonNode type = part.get("type");
        if (type == null || type.isNull()) {
            return new FieldViolation(path + ".type", "required", "is required");
        }
        if (!type.isString()) {
            return new FieldViolation(path + ".type", "type", "must be a string");
        }
        return unstorable(part, path);
    }

    /** Whether arrays and objects nest more than {@code levels} deep from here; descends no further than that. */
    private static boolean deeperThan(JsonNode node, int levels) {
        if (!node.isContainer()) {
            return false;
        }
        if (levels == 0) {
            return true;
        }
        for (JsonNode child : node.values()) {
            if (deeperThan(child, levels - 1)) {
                return true;
            }
        }
        return false;
    }

    /** The first string or key below {@code node} that cannot be stored, as a violation of {@code path}; only called within the depth limit. */
    private static FieldViolation unstorable(JsonNode node, String path) {
        if (node.isString()) {
            return StorableText.violation(path, node.stringValue());
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                FieldViolation violation = StorableText.violation(path, property.getKey());
                if (violation == null) {
                    violation = unstorable(property.getValue(), path);
                }
                if (violation != null) {
                    return violation;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node.values()) {
                FieldViolation violation = unstorable(element, path);
                if (violation != null) {
                    return violation;
                }
            }
        }
        return null;
    }

    private FieldViolation tooDeep(String path) {
        return new FieldViolation(path, "max_depth", "arrays and objects nested at most " + limits.maxJsonDepth() + " deep");
    }

    private static FieldViolation tooLarge(String path, long max) {
        return new FieldViolation(path, "max_bytes", "parts and metadata together at most " + max + " bytes of JSON (UTF-8)");
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }
}
