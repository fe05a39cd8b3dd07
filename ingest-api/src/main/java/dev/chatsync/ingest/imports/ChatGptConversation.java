package dev.chatsync.ingest.imports;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.chatsync.ingest.limits.ClientIds;
import dev.chatsync.ingest.problem.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A conversation of ChatGPT's {@code conversations.json}, flattened for an import. ChatGPT keeps a
 * tree ({@code mapping}: node id to {@code {message, parent, children}}) in which a regenerated reply
 * or an edited prompt starts a sibling branch; what the user last saw is the branch ending at
 * {@code current_node}, found by walking parent links up from it, and only that branch is imported.
 *
 * <p>Ids are derived, never invented, so that importing the same file again publishes the same
 * messages under the same ids (which the persister stores once): the conversation is
 * {@code chatgpt-<ChatGPT's id>}, each message keeps ChatGPT's message id; an id outside the id
 * alphabet becomes {@code chatgpt-} and 32 hex digits of its SHA-256.
 *
 * <p>Roles map one to one (user, assistant, system, tool). Left out, and counted by reason:
 * {@code hidden} (what ChatGPT marks visually hidden: its empty system prompt, custom instructions),
 * {@code empty} (no text, such as a tool call's placeholder), {@code non_text} (content without text:
 * an image alone, reasoning summaries, tool-internal payloads), {@code unknown_role}, and
 * {@code other_branch} (messages of branches the user left). Images and files inside a message with
 * text are dropped and the text kept. Each imported message is one text part, with metadata naming
 * its source, ChatGPT's content type and model.
 */
final class ChatGptConversation {

    static final String ID_PREFIX = "chatgpt-";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigDecimal MILLIS_PER_SECOND = BigDecimal.valueOf(1000);
    /** A POST body's message fields that have a counterpart of their own in a ChatGPT message. */
    private static final Map<String, String> RENAMED = Map.of(".id", ".id", ".role", ".author.role", ".createdAt", ".create_time");

    private ChatGptConversation() {
    }

    static ImportedConversation read(String path, JsonNode conversation, String personaId, ClientIds ids, int maxMessages) {
        if (!conversation.isObject()) {
            throw ProblemException.invalid(path, "type", "must be an object");
        }
        String idField = conversation.hasNonNull("conversation_id") ? "conversation_id" : "id";
        String chatGptId = requiredString(conversation, idField, path);
        JsonNode mapping = conversation.get("mapping");
        if (mapping == null || !mapping.isObject()) {
            throw ProblemException.invalid(path + ".mapping", mapping == null ? "required" : "type", "must be an object of message nodes");
        }
        List<String> branch = branch(path, mapping, requiredString(conversation, "current_node", path));

        Instant conversationCreated = seconds(conversation.get("create_time"), path + ".create_time");
        Instant conversationUpdated = seconds(conversation.get("update_time"), path + ".update_time");
        ObjectNode body = NODES.objectNode();
        body.put("conversationId", conversationId(chatGptId, ids));
        body.put("personaId", personaId);
        JsonNode title = conversation.get("title");
        body.set("title", title == null ? NODES.nullNode() : title);
        ArrayNode messages = body.putArray("messages");
        List<Instant> times = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Map<String, Integer> skipped = new TreeMap<>();
        Set<String> onBranch = new HashSet<>(branch);
        for (String nodeId : branch) {
            JsonNode message = mapping.get(nodeId).get("message");
            if (message == null || message.isNull()) {
                // the tree's root, or a node ChatGPT keeps without a message
                continue;
            }
            String messagePath = JsonPaths.property(path + ".mapping", nodeId) + ".message";
            String skip = skipReason(message, messagePath);
            if (skip != null) {
                skipped.merge(skip, 1, Integer::sum);
                continue;
            }
            if (messages.size() == maxMessages) {
                throw ProblemException.invalid(path + ".mapping", "max_items", "at most " + maxMessages + " messages on the current branch");
            }
            JsonNode content = message.get("content");
            String contentType = content.get("content_type").stringValue();
            ObjectNode posted = messages.addObject();
            posted.put("id", messageId(message.hasNonNull("id") && message.get("id").isString() ? message.get("id").stringValue() : nodeId, ids));
            posted.put("role", message.get("author").get("role").stringValue());
            posted.putArray("parts").addObject().put("type", "text").put("text", text(content));
            ObjectNode metadata = posted.putObject("metadata");
            metadata.put("source", "chatgpt");
            metadata.put("contentType", contentType);
            JsonNode model = message.path("metadata").get("model_slug");
            if (model != null && model.isString()) {
                metadata.put("model", model.stringValue());
            }
            Instant created = seconds(message.get("create_time"), messagePath + ".create_time");
            Instant updated = seconds(message.get("update_time"), messagePath + ".update_time");
            if (created != null) {
                posted.put("createdAt", created.toEpochMilli());
            }
            times.add(updated != null ? updated : created != null ? created : conversationUpdated != null ? conversationUpdated : conversationCreated);
            sources.add(messagePath);
        }
        for (Map.Entry<String, JsonNode> node : mapping.properties()) {
            JsonNode message = node.getValue().get("message");
            if (!onBranch.contains(node.getKey()) && message != null && message.isObject()) {
                skipped.merge("other_branch", 1, Integer::sum);
            }
        }
        Instant createdAt = conversationCreated != null ? conversationCreated : times.isEmpty() ? null : times.get(0);
        return new ImportedConversation(body, createdAt, times, field -> sourcePath(path, idField, sources, field), skipped);
    }

    /** The node ids from the root to {@code current}, by parent links. */
    private static List<String> branch(String path, JsonNode mapping, String current) {
        if (!mapping.has(current)) {
            throw ProblemException.invalid(path + ".current_node", "node", "must name a node of mapping");
        }
        List<String> branch = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String nodeId = current;
        seen.add(current);
        while (nodeId != null) {
            JsonNode node = mapping.get(nodeId);
            String nodePath = JsonPaths.property(path + ".mapping", nodeId);
            if (!node.isObject()) {
                throw ProblemException.invalid(nodePath, "type", "must be an object");
            }
            branch.add(nodeId);
            JsonNode parent = node.get("parent");
            if (parent == null || parent.isNull()) {
                nodeId = null;
            } else if (!parent.isString() || !mapping.has(parent.stringValue())) {
                throw ProblemException.invalid(nodePath + ".parent", "node", "must name a node of mapping, or be null at the root");
            } else if (!seen.add(parent.stringValue())) {
                throw ProblemException.invalid(nodePath + ".parent", "acyclic", "parent links must lead to a root, not around a cycle");
            } else {
                nodeId = parent.stringValue();
            }
        }
        Collections.reverse(branch);
        return branch;
    }

    /** Why the message is left out, or null when it is imported; malformed messages are a 400. */
    private static String skipReason(JsonNode message, String path) {
        if (!message.isObject()) {
            throw ProblemException.invalid(path, "type", "must be an object or null");
        }
        JsonNode role = message.path("author").get("role");
        if (role == null || !role.isString()) {
            throw ProblemException.invalid(path + ".author.role", role == null ? "required" : "type", "must be a string");
        }
        JsonNode content = message.get("content");
        JsonNode contentType = content == null ? null : content.get("content_type");
        if (contentType == null || !contentType.isString()) {
            throw ProblemException.invalid(path + ".content.content_type", contentType == null ? "required" : "type", "must be a string");
        }
        if (!Set.of("user", "assistant", "system", "tool").contains(role.stringValue())) {
            return "unknown_role";
        }
        if (message.path("metadata").path("is_visually_hidden_from_conversation").asBoolean(false)) {
            return "hidden";
        }
        String text = text(content);
        if (text == null) {
            return "non_text";
        }
        return text.isBlank() ? "empty" : null;
    }

    /**
     * The text of ChatGPT content: its string parts (text, multimodal_text), or the text field of
     * code, execution output, quotes and errors, or a browsing result; null for content without text.
     */
    private static String text(JsonNode content) {
        JsonNode parts = content.get("parts");
        if (parts != null && parts.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : parts) {
                if (part.isString()) {
                    if (!text.isEmpty() && !part.stringValue().isEmpty()) {
                        text.append("\n\n");
                    }
                    text.append(part.stringValue());
                }
            }
            return text.toString();
        }
        for (String field : List.of("text", "result")) {
            JsonNode value = content.get(field);
            if (value != null && value.isString()) {
                return value.stringValue();
            }
        }
        return null;
    }

    /** ChatGPT's times: epoch seconds with a fraction; null when absent. */
    private static Instant seconds(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || node.decimalValue().signum() < 0) {
            throw ProblemException.invalid(path, "timestamp", "must be epoch seconds, not before 1970");
        }
        return Instant.ofEpochMilli(node.decimalValue().multiply(MILLIS_PER_SECOND).longValue());
    }

    private static String requiredString(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull() || !node.isString() || node.stringValue().isEmpty()) {
            throw ProblemException.invalid(path + "." + field, node == null || node.isNull() ? "required" : "type", "must be a non-empty string");
        }
        return node.stringValue();
    }

    /** The chat-sync id of a ChatGPT conversation. */
    static String conversationId(String chatGptId, ClientIds ids) {
        String kept = ID_PREFIX + chatGptId;
        return ids.check("id", kept) == null ? kept : digest(chatGptId);
    }

    /** The chat-sync id of a ChatGPT message: its own, when it is one. */
    static String messageId(String chatGptId, ClientIds ids) {
        return ids.check("id", chatGptId) == null ? chatGptId : digest(chatGptId);
    }

    private static String digest(String chatGptId) {
        return ID_PREFIX + HexFormat.of().formatHex(sha256(chatGptId), 0, 16);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Where a field of the POST-shaped conversation came from in the document. */
    private static String sourcePath(String path, String idField, List<String> sources, String field) {
        if (field.equals("body")) {
            return path;
        }
        if (field.startsWith("conversationId")) {
            return path + "." + idField;
        }
        if (!field.startsWith("messages[")) {
            return path + "." + field;
        }
        int close = field.indexOf(']');
        String message = sources.get(Integer.parseInt(field.substring("messages[".length(), close)));
        String rest = field.substring(close + 1);
        String renamed = RENAMED.get(rest);
        if (renamed != null) {
            return message + renamed;
        }
        // content, parts and metadata are built from the message's content
        return message + ".content";
    }
}
