package dev.chatsync.benchmarks.sync;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;

/**
 * Scenario 2: a device comes back to a user's {@code conversations} conversations of which
 * {@code changed} changed since its cursor (a new message each, and one earlier message edited). It
 * catches up from {@code GET /api/changes}, paged until {@code hasMore} is false; the reference is
 * re-reading everything ({@code GET /api/messages} and every conversation), and between the two,
 * the same re-read with the ETags the device held (the unchanged conversations answer 304). Each
 * round makes fresh changes and measures the three ways, in a rotating order.
 */
final class DeviceCatchUp {

    private static final String USER = "user_sync_device";

    private final Pipeline pipeline;
    private final ApiClient client;
    private final int conversations;
    private final int messagesEach;
    private final int changed;
    private final int warmUpRounds;
    private final Duration warmUp;
    private final int rounds;
    private final int readersInParallel;
    private final ExecutorService readers;
    private final Random random = new Random(11);
    private final int[] sizes;
    private final Map<String, String> etags = new HashMap<>();
    private String token;
    private String cursor;

    DeviceCatchUp(Pipeline pipeline, ApiClient client, int conversations, int messagesEach, int changed, int warmUpRounds,
            Duration warmUp, int rounds, int readersInParallel) {
        this.pipeline = pipeline;
        this.client = client;
        this.conversations = conversations;
        this.messagesEach = messagesEach;
        this.changed = changed;
        this.warmUpRounds = warmUpRounds;
        this.warmUp = warmUp;
        this.rounds = rounds;
        this.sizes = new int[conversations];
        this.readersInParallel = readersInParallel;
        this.readers = Executors.newFixedThreadPool(readersInParallel);
    }

    List<String> run() {
        token = pipeline.token(USER);
        Progress.say("2/3 device catch-up: posting %d conversations of %d messages", conversations, messagesEach);
        List<String> syncTokens = new ArrayList<>();
        for (int c = 0; c < conversations; c++) {
            List<Map<String, Object>> messages = new ArrayList<>();
            for (int i = 0; i < messagesEach; i++) {
                messages.add(ChatMessages.message(messageId(c, i), i, 0));
            }
            sizes[c] = messagesEach;
            syncTokens.add(syncToken(client.post(token, ChatMessages.post(conversationId(c), messages))));
        }
        awaitReadable(syncTokens);
        Feed initial = catchUp(null);
        cursor = initial.cursor;
        Progress.say("2/3 device catch-up: first load from the feed: %d conversations, %d messages, %,d bytes in %d pages",
                initial.conversations.size(), initial.messages, initial.bytes, initial.pages);
        reReadWithTags(Map.of());

        Way feed = new Way();
        Way full = new Way();
        Way conditional = new Way();
        long feedPages = 0;
        int unexpected = 0;
        Progress.say("2/3 device catch-up: %d warm-up rounds, then %d measured, each after %d conversations changed",
                warmUpRounds, rounds, changed);
        String earlier = cursor;
        for (int round = 0; round < warmUpRounds + rounds; round++) {
            boolean measured = round >= warmUpRounds;
            if (round == warmUpRounds) {
                warmUpFeed(earlier);
            }
            earlier = cursor;
            Map<String, String> heldTags = Map.copyOf(etags);
            awaitReadable(change());
            for (int step = 0; step < 3; step++) {
                ApiCpu cpuBefore = pipeline.apiCpu();
                long started = System.nanoTime();
                switch ((round + step) % 3) {
                    case 0 -> {
                        Feed caughtUp = catchUp(cursor);
                        cursor = caughtUp.cursor;
                        // what changed: `changed` conversations, one new message each and one edited
                        if (caughtUp.conversations.size() != changed || caughtUp.messages != changed + 1) {
                            unexpected++;
                        }
                        if (measured) {
                            feed.record(started, cpuBefore, caughtUp.bytes);
                            feedPages += caughtUp.pages;
                        }
                    }
                    case 1 -> {
                        long bytes = reReadWithTags(Map.of());
                        if (measured) {
                            full.record(started, cpuBefore, bytes);
                        }
                    }
                    default -> {
                        long bytes = reReadWithTags(heldTags);
                        if (measured) {
                            conditional.record(started, cpuBefore, bytes);
                        }
                    }
                }
            }
            if (measured && (round - warmUpRounds + 1) % 20 == 0) {
                Progress.say("2/3 device catch-up: round %d/%d: changes feed %s; full re-read %s", round - warmUpRounds + 1, rounds,
                        feed.timings, full.timings);
            }
        }
        readers.shutdown();
        return List.of(
                String.format(Locale.ROOT, "device back, %d of %d conversations changed (%d new messages, 1 edited): GET /api/changes until hasMore=false: %s; "
                                + "%.1f pages per catch-up%s",
                        changed, conversations, changed, feed, feedPages / (double) Math.max(1, rounds),
                        unexpected == 0 ? "" : String.format(Locale.ROOT, " (%d rounds did not answer exactly what changed!)", unexpected)),
                String.format(Locale.ROOT, "  reference, re-reading all %d (the list + %d GETs, %d in parallel): %s",
                        conversations, conversations, readersInParallel, full),
                String.format(Locale.ROOT, "  the same re-read with the ETags the device held (unchanged ones 304): %s", conditional));
    }

    /** One way of catching up, over the measured rounds: its latencies, the bytes it received and the API's CPU. */
    private final class Way {
        final Timings timings = new Timings();
        long bytes;
        ApiCpu cpu = ApiCpu.NONE;

        void record(long startedNanos, ApiCpu cpuBefore, long received) {
            timings.record(System.nanoTime() - startedNanos);
            cpu = cpu.plus(pipeline.apiCpu().since(cpuBefore));
            bytes += received;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s; %,d bytes per catch-up; %s", timings, bytes / Math.max(1, timings.count()),
                    cpu.per(timings.count(), "catch-up"));
        }
    }

    /**
     * The feed's path is new to the API's JIT, and a few warm-up rounds call it a few times only:
     * catching up from an earlier cursor again and again, from {@code readers} threads, changes nothing.
     */
    private void warmUpFeed(String since) {
        Progress.say("2/3 device catch-up: catching up from one cursor over and over, %d at a time for %d s to warm up",
                readersInParallel, warmUp.toSeconds());
        long warm = System.nanoTime() + warmUp.toNanos();
        List<CompletableFuture<Void>> warmers = new ArrayList<>();
        for (int i = 0; i < readersInParallel; i++) {
            warmers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < warm) {
                    catchUp(since);
                }
            }, readers));
        }
        CompletableFuture.allOf(warmers.toArray(CompletableFuture[]::new)).join();
    }

    /** Makes this round's changes; returns their sync tokens. */
    private List<String> change() {
        List<Integer> picked = new ArrayList<>();
        while (picked.size() < changed) {
            int c = random.nextInt(conversations);
            if (!picked.contains(c)) {
                picked.add(c);
            }
        }
        List<String> syncTokens = new ArrayList<>();
        for (int c : picked) {
            List<Map<String, Object>> messages = new ArrayList<>();
            if (c == picked.get(0)) {
                // an edit: an earlier message sent again with other content (a reply regenerated)
                int position = random.nextInt(sizes[c]);
                messages.add(ChatMessages.message(messageId(c, position), position, 1 + random.nextInt(1_000_000)));
            }
            int position = sizes[c]++;
            messages.add(ChatMessages.message(messageId(c, position), position, 0));
            syncTokens.add(syncToken(client.post(token, ChatMessages.post(conversationId(c), messages))));
        }
        return syncTokens;
    }

    /** Follows the feed from {@code since} (null: from the beginning) until it has no more. */
    private Feed catchUp(String since) {
        Feed feed = new Feed();
        String at = since;
        boolean more = true;
        while (more) {
            ApiClient.Reply reply = client.get(token, "/api/changes" + (at == null ? "" : "?since=" + URLEncoder.encode(at, StandardCharsets.UTF_8)))
                    .expect(200);
            JsonNode page = reply.json();
            feed.pages++;
            feed.bytes += reply.bytes();
            for (JsonNode conversation : page.get("conversations")) {
                feed.conversations.add(conversation.get("conversationId").asString());
                feed.messages += conversation.get("messages").size();
            }
            at = page.get("nextCursor").asString();
            more = page.get("hasMore").asBoolean();
        }
        feed.cursor = at;
        return feed;
    }

    /**
     * The list, then every conversation, the latter {@code readers} at a time, each with the ETag held
     * for it if any; remembers the new tags. Returns the bytes received.
     */
    private long reReadWithTags(Map<String, String> held) {
        ApiClient.Reply list = client.get(token, "/api/messages").expect(200);
        if (list.json().get("conversations").size() != conversations) {
            throw new IllegalStateException("the list has " + list.json().get("conversations").size() + " conversations");
        }
        AtomicLong bytes = new AtomicLong(list.bytes());
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (int c = 0; c < conversations; c++) {
            String conversationId = conversationId(c);
            String tag = held.get(conversationId);
            String path = "/api/messages?conversationId=" + conversationId;
            reads.add(CompletableFuture.runAsync(() -> {
                ApiClient.Reply reply = tag == null ? client.get(token, path) : client.get(token, path, "If-None-Match", tag);
                if (reply.status() != 200 && reply.status() != 304) {
                    reply.expect(200);
                }
                bytes.addAndGet(reply.bytes());
                synchronized (etags) {
                    etags.put(conversationId, reply.header("ETag"));
                }
            }, readers));
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
        return bytes.get();
    }

    /** Waits until the persister has stored everything the tokens name, by a cheap read with each. */
    private void awaitReadable(List<String> syncTokens) {
        for (String syncToken : syncTokens) {
            while (!"true".equals(client.get(token, "/api/usage", "Chat-Sync-Token", syncToken).expect(200).header("Chat-Sync-Consistent"))) {
                Thread.onSpinWait();
            }
        }
    }

    private static String syncToken(ApiClient.Reply reply) {
        return reply.expect(202).json().get("syncToken").asString();
    }

    private static String conversationId(int c) {
        return "device-conversation-" + c;
    }

    private static String messageId(int c, int position) {
        return "c" + c + "-m" + position;
    }

    /** What one catch-up from the feed received. */
    private static final class Feed {
        int pages;
        long bytes;
        final Set<String> conversations = new HashSet<>();
        int messages;
        String cursor;
    }
}
