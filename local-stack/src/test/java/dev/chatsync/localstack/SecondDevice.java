package dev.chatsync.localstack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Another device of a user, following {@code /api/changes} as a client would: deletions first, then
 * conversations, messages merged by id and placed by position. Its copy reads like a full read.
 */
final class SecondDevice {

    private final ChatClient client;
    private final String token;
    private final Map<String, ObjectNode> conversations = new TreeMap<>();
    private final Map<String, Map<String, ObjectNode>> messages = new TreeMap<>();
    private String cursor;

    SecondDevice(ChatClient client, String token) {
        this.client = client;
        this.token = token;
    }

    String cursor() {
        return cursor;
    }

    SecondDevice catchUp(int limit) {
        JsonNode page;
        do {
            page = client.changes(token, "?limit=" + limit + (cursor == null ? "" : "&since=" + cursor)).json();
            apply(page);
        } while (page.get("hasMore").asBoolean());
        return this;
    }

    void apply(JsonNode page) {
        page.get("deleted").forEach(deleted -> {
            conversations.remove(deleted.get("conversationId").asString());
            messages.remove(deleted.get("conversationId").asString());
        });
        page.get("conversations").forEach(conversation -> {
            String id = conversation.get("conversationId").asString();
            ObjectNode metadata = ((ObjectNode) conversation).deepCopy();
            metadata.remove("messages");
            conversations.put(id, metadata);
            conversation.get("messages").forEach(message ->
                    messages.computeIfAbsent(id, key -> new LinkedHashMap<>()).put(message.get("id").asString(), (ObjectNode) message));
        });
        cursor = page.get("nextCursor").asString();
    }

    /** Each conversation's metadata and its messages in position order, as a full read shows them. */
    Map<String, JsonNode> copy() {
        Map<String, JsonNode> copy = new TreeMap<>();
        conversations.forEach((id, metadata) -> {
            List<ObjectNode> inOrder = new ArrayList<>(messages.getOrDefault(id, Map.of()).values());
            inOrder.sort(Comparator.comparingLong(message -> message.get("position").asLong()));
            ObjectNode conversation = metadata.deepCopy();
            ArrayNode list = conversation.putArray("messages");
            inOrder.forEach(message -> {
                ObjectNode plain = message.deepCopy();
                plain.remove("position");
                list.add(plain);
            });
            copy.put(id, conversation);
        });
        return copy;
    }

    /** The list, then each conversation's messages: what a device reading everything anew gets. */
    static Map<String, JsonNode> fullRead(ChatClient client, String token) {
        Map<String, JsonNode> full = new TreeMap<>();
        client.get(token, "?limit=2000").json().get("conversations").forEach(listed -> {
            ObjectNode conversation = ((ObjectNode) listed).deepCopy();
            String id = listed.get("conversationId").asString();
            ArrayNode list = conversation.putArray("messages");
            client.get(token, "?limit=2000&conversationId=" + id).json().get("messages").forEach(list::add);
            full.put(id, conversation);
        });
        return full;
    }
}
