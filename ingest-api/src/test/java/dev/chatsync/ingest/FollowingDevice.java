package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A second device of a user, as a client would build one: it follows {@code /api/changes} from a
 * cursor and applies each page (deletions first, then conversations, messages merged by id and placed
 * by position), and can be compared with what a full read of {@code /api/messages} answers.
 */
final class FollowingDevice {

    private final Function<String, Map<String, Object>> get;
    private final Map<String, Map<String, Object>> conversations = new TreeMap<>();
    private final Map<String, Map<String, Map<String, Object>>> messages = new TreeMap<>();
    private String cursor;
    private int pages;

    /** {@code get} answers the JSON body of a GET of the user's, by URI. */
    FollowingDevice(Function<String, Map<String, Object>> get) {
        this.get = get;
    }

    String cursor() {
        return cursor;
    }

    int pages() {
        return pages;
    }

    /** Reads and applies pages of {@code limit} until the feed says nothing more is there. */
    FollowingDevice catchUp(int limit) {
        Map<String, Object> page;
        do {
            page = get.apply("/api/changes?limit=" + limit + (cursor == null ? "" : "&since=" + cursor));
            apply(page);
        } while ((Boolean) page.get("hasMore"));
        return this;
    }

    @SuppressWarnings("unchecked")
    void apply(Map<String, Object> page) {
        pages++;
        for (Map<String, Object> deleted : (List<Map<String, Object>>) page.get("deleted")) {
            conversations.remove((String) deleted.get("conversationId"));
            messages.remove((String) deleted.get("conversationId"));
        }
        for (Map<String, Object> conversation : (List<Map<String, Object>>) page.get("conversations")) {
            String id = (String) conversation.get("conversationId");
            Map<String, Object> metadata = new LinkedHashMap<>(conversation);
            metadata.remove("messages");
            conversations.put(id, metadata);
            Map<String, Map<String, Object>> stored = messages.computeIfAbsent(id, key -> new LinkedHashMap<>());
            for (Map<String, Object> message : (List<Map<String, Object>>) conversation.get("messages")) {
                assertThat(message).containsKey("position");
                stored.put((String) message.get("id"), message);
            }
        }
        String next = (String) page.get("nextCursor");
        assertThat(next).as("every page has a cursor").isNotNull();
        cursor = next;
    }

    Map<String, Map<String, Object>> conversations() {
        return conversations;
    }

    /** The device's copy: each conversation's metadata with its messages in position order. */
    Map<String, Object> copy() {
        Map<String, Object> copy = new TreeMap<>();
        conversations.forEach((id, metadata) -> {
            List<Map<String, Object>> inOrder = new ArrayList<>(messages.getOrDefault(id, Map.of()).values());
            inOrder.sort(Comparator.comparingLong(message -> ((Number) message.get("position")).longValue()));
            List<Map<String, Object>> withoutPosition = inOrder.stream().map(message -> {
                Map<String, Object> plain = new LinkedHashMap<>(message);
                plain.remove("position");
                return plain;
            }).toList();
            Map<String, Object> conversation = new LinkedHashMap<>(metadata);
            conversation.put("messages", withoutPosition);
            copy.put(id, conversation);
        });
        return copy;
    }

    /** What a device reading everything anew sees: the list, then each conversation's messages. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> fullRead(Function<String, Map<String, Object>> get) {
        Map<String, Object> full = new TreeMap<>();
        for (Map<String, Object> listed : (List<Map<String, Object>>) get.apply("/api/messages?limit=2000").get("conversations")) {
            String id = (String) listed.get("conversationId");
            List<Map<String, Object>> all = new ArrayList<>();
            String after = null;
            Map<String, Object> page;
            do {
                page = get.apply("/api/messages?conversationId=" + id + "&limit=2000" + (after == null ? "" : "&cursor=" + after));
                all.addAll((List<Map<String, Object>>) page.get("messages"));
                after = (String) page.get("nextCursor");
            } while (after != null);
            Map<String, Object> conversation = new LinkedHashMap<>(listed);
            conversation.put("messages", all);
            full.put(id, conversation);
        }
        return full;
    }
}
