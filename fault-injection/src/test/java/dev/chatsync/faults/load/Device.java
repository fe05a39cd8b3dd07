package dev.chatsync.faults.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import dev.chatsync.faults.load.Write.Delete;
import dev.chatsync.faults.load.Write.MessageCopy;
import dev.chatsync.faults.load.Write.Save;

/**
 * One device of a user chatting, as the browser client does: conversations one after another, each
 * written one save at a time (the next only once the previous was acknowledged). A turn is the user's
 * message with the start of a streaming reply, then the finished reply under the same id; now and then
 * the user edits a message, the whole conversation is re-synced, and some conversations are deleted
 * at their end. Every write is retried, unchanged, until it is acknowledged: after Retry-After on a
 * 503, with backoff on connection failures and timeouts.
 */
final class Device implements Runnable {

    private static final String[] WORDS = {"kafka", "partition", "offset", "naïve", "café", "☕", "replica", "ack", "commit",
            "Postgres", "ünïcödé", "log", "batch", "upsert", "\"quoted\"", "back\\slash", "idempotent", "幂等"};

    private final String userId;
    private final String deviceId;
    private final ApiClient client;
    private final Model model;
    private final Function<String, String> tokens;
    private final Random random;
    private final Retries retries;
    private volatile boolean stopping;

    Device(String userId, String deviceId, ApiClient client, Model model, Function<String, String> tokens, long seed) {
        this.userId = userId;
        this.deviceId = deviceId;
        this.client = client;
        this.model = model;
        this.tokens = tokens;
        this.random = new Random(seed);
        this.retries = new Retries(random);
    }

    /** Finishes the write under way (until acknowledged), then stops. */
    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        try {
            for (int n = 1; !stopping; n++) {
                converse(deviceId + "-c" + n, "persona-" + random.nextInt(3));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void converse(String conversationId, String personaId) throws InterruptedException {
        String title = "Chat " + conversationId;
        List<MessageCopy> messages = new ArrayList<>();
        int turns = 3 + random.nextInt(6);
        for (int turn = 1; turn <= turns && !stopping; turn++) {
            MessageCopy question = user(conversationId + "-m" + turn + "u", sentence());
            MessageCopy partial = assistant(conversationId + "-m" + turn + "a", "thinking", sentence());
            // the periodic sync re-sends the whole conversation; a debounced save sends the last few
            List<MessageCopy> resent = turn % 3 == 0 ? messages : messages.subList(Math.max(0, messages.size() - 3), messages.size());
            List<MessageCopy> save = new ArrayList<>(resent);
            save.add(question);
            save.add(partial);
            deliver(new Save(userId, conversationId, personaId, title, save));
            messages.add(question);
            messages.add(partial);
            pause();

            MessageCopy finished = assistant(partial.id(), "thought it through", partial.storedContent() + " " + sentence());
            messages.set(messages.size() - 1, finished);
            deliver(new Save(userId, conversationId, personaId, title, List.of(finished)));
            pause();

            if (random.nextInt(4) == 0) {
                MessageCopy edited = user(question.id(), question.content() + " (edited: " + sentence() + ")");
                messages.set(messages.size() - 2, edited);
                deliver(new Save(userId, conversationId, personaId, title, List.of(edited)));
                pause();
            }
        }
        if (random.nextInt(3) == 0) {
            deliver(new Delete(userId, conversationId));
            pause();
        }
    }

    private void deliver(Write write) throws InterruptedException {
        String body = write instanceof Save save ? Json.body(save) : null;
        retries.reset();
        while (true) {
            String token = tokens.apply(userId);
            ApiClient.Answer answer = body != null ? client.save(token, body) : client.delete(token, write.conversationId());
            if (answer.accepted()) {
                model.acknowledged(write, Instant.now());
                return;
            }
            if (answer.status() >= 400 && answer.status() < 500 && answer.status() != 429) {
                throw new IllegalStateException("the API refused the load's " + write + " with " + answer.status());
            }
            retries.await(answer);
        }
    }

    private void pause() throws InterruptedException {
        Thread.sleep(150 + random.nextInt(200));
    }

    private String sentence() {
        StringBuilder sentence = new StringBuilder();
        for (int i = 0, words = 3 + random.nextInt(8); i < words; i++) {
            sentence.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sentence.toString();
    }

    private static MessageCopy user(String id, String content) {
        return new MessageCopy(id, "user", content, null, content);
    }

    private static MessageCopy assistant(String id, String reasoning, String text) {
        return new MessageCopy(id, "assistant", null, Json.parts(reasoning, text), text);
    }
}
