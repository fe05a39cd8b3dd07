package dev.chatsync.faults.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The model at one moment, as the rows the database must hold. */
public record Expectations(List<Conversation> conversations, List<Message> messages, Map<String, Integer> userMessagesByUser) {

    /** A conversation the API acknowledged; a deleted one must be gone with its messages. */
    public record Conversation(String userId, String conversationId, String personaId, String title, boolean deleted, Instant acknowledgedAt) {
    }

    /**
     * A message of a conversation that is not deleted: its latest acknowledged version, its revision
     * (one per distinct version acknowledged) and its place among the conversation's messages.
     */
    public record Message(String userId, String conversationId, String messageId, String role, String content, String partsJson,
                          int revision, int position, Instant acknowledgedAt) {
    }

    /** These expectations plus one acknowledged message that was never sent: a verdict must find it lost. */
    public Expectations withNeverSentMessage() {
        Message any = messages.get(0);
        int last = (int) messages.stream().filter(m -> m.userId().equals(any.userId()) && m.conversationId().equals(any.conversationId())).count();
        List<Message> more = new ArrayList<>(messages);
        more.add(new Message(any.userId(), any.conversationId(), "never-sent", "assistant", "lost on purpose", null, 1, last + 1,
                any.acknowledgedAt()));
        return new Expectations(conversations, more, userMessagesByUser);
    }

    /** These expectations with one message's content changed: a verdict must find it wrong. */
    public Expectations withChangedContent() {
        List<Message> changed = new ArrayList<>(messages);
        Message first = changed.get(0);
        changed.set(0, new Message(first.userId(), first.conversationId(), first.messageId(), first.role(), first.content() + " (changed)",
                first.partsJson(), first.revision(), first.position(), first.acknowledgedAt()));
        return new Expectations(conversations, changed, userMessagesByUser);
    }

    /** These expectations with one version fewer of a message: a verdict must find a version stored twice. */
    public Expectations withOneVersionFewer() {
        List<Message> fewer = new ArrayList<>(messages);
        Message first = fewer.get(0);
        fewer.set(0, new Message(first.userId(), first.conversationId(), first.messageId(), first.role(), first.content(),
                first.partsJson(), first.revision() - 1, first.position(), first.acknowledgedAt()));
        return new Expectations(conversations, fewer, userMessagesByUser);
    }

    /** These expectations with one more user message counted for a user: a verdict must find rate_limits short. */
    public Expectations withOneMoreUserMessage() {
        Map<String, Integer> more = new TreeMap<>(userMessagesByUser);
        more.merge(more.keySet().iterator().next(), 1, Integer::sum);
        return new Expectations(conversations, messages, Map.copyOf(more));
    }
}
