package dev.chatsync.faults.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.chatsync.faults.load.Write.Delete;
import dev.chatsync.faults.load.Write.MessageCopy;
import dev.chatsync.faults.load.Write.Save;

/**
 * Everything the API acknowledged with a 202, applied in the order each conversation's writes were
 * acknowledged (one device writes a conversation, one write at a time): per message its latest
 * role, content and parts and how many versions it went through, the deleted conversations, and per
 * user the user messages that count towards rate_limits. Nothing that was not acknowledged is in here.
 */
public final class Model {

    private record Key(String userId, String conversationId) {
    }

    private static final class Conversation {
        final String personaId;
        final String title;
        final Map<String, Message> messages = new LinkedHashMap<>();
        boolean deleted;
        Instant lastAcknowledged;

        Conversation(String personaId, String title) {
            this.personaId = personaId;
            this.title = title;
        }
    }

    private static final class Message {
        String role;
        String content;
        String partsJson;
        int versions;
        Instant lastAcknowledged;
    }

    private final Map<Key, Conversation> conversations = new LinkedHashMap<>();
    private final Map<String, Integer> userMessages = new TreeMap<>();
    private final List<Instant> acknowledgements = new ArrayList<>();

    synchronized void acknowledged(Write write, Instant at) {
        acknowledgements.add(at);
        Key key = new Key(write.userId(), write.conversationId());
        if (write instanceof Delete) {
            Conversation deleted = conversations.computeIfAbsent(key, k -> new Conversation(null, null));
            deleted.deleted = true;
            deleted.lastAcknowledged = at;
            return;
        }
        Save save = (Save) write;
        Conversation conversation = conversations.computeIfAbsent(key, k -> new Conversation(save.personaId(), save.title()));
        if (conversation.deleted) {
            throw new IllegalStateException("the load never writes to a conversation it deleted: " + key);
        }
        conversation.lastAcknowledged = at;
        for (MessageCopy copy : save.messages()) {
            Message message = conversation.messages.get(copy.id());
            if (message == null) {
                message = new Message();
                conversation.messages.put(copy.id(), message);
                if (copy.role().equals("user")) {
                    userMessages.merge(save.userId(), 1, Integer::sum);
                }
            } else if (message.role.equals(copy.role()) && message.content.equals(copy.storedContent())
                    && Objects.equals(message.partsJson, copy.partsJson())) {
                continue; // a re-sync of what is stored
            }
            message.role = copy.role();
            message.content = copy.storedContent();
            message.partsJson = copy.partsJson();
            message.versions++;
            message.lastAcknowledged = at;
        }
    }

    /** When each write was acknowledged. */
    public synchronized List<Instant> acknowledgements() {
        return List.copyOf(acknowledgements);
    }

    /** What the database must hold now. */
    public synchronized Expectations expectations() {
        List<Expectations.Message> messages = new ArrayList<>();
        List<Expectations.Conversation> expected = new ArrayList<>();
        conversations.forEach((key, conversation) -> {
            expected.add(new Expectations.Conversation(key.userId(), key.conversationId(), conversation.personaId, conversation.title,
                    conversation.deleted, conversation.lastAcknowledged));
            if (conversation.deleted) {
                return;
            }
            int position = 0;
            for (Map.Entry<String, Message> entry : conversation.messages.entrySet()) {
                Message message = entry.getValue();
                messages.add(new Expectations.Message(key.userId(), key.conversationId(), entry.getKey(), message.role, message.content,
                        message.partsJson, message.versions, ++position, message.lastAcknowledged));
            }
        });
        return new Expectations(expected, messages, Map.copyOf(userMessages));
    }
}
