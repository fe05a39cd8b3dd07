package dev.chatsync.benchmarks.race;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.chatsync.schemas.event.MessageRole;

/**
 * The logical rows every system of the race stores: the same messages, whatever shape each system
 * receives them in. Each conversation lives on partition {@code conversation % partitions} of every
 * topic, so each system sees the same records in the same order per partition.
 */
final class Workload {

    static final Instant ACCEPTED_AT = Instant.parse("2026-11-24T09:00:00Z");
    private static final String[] WORDS = ("kafka postgres batch upsert conversation persona message stream reply sync offset "
            + "partition commit transaction neon index row revision client browser cache device hitesh chat model token "
            + "the a of to and in is it that for on with as was at by this be from or have an are not but").split(" ");

    /** One message as stored: {@code at} is both its created_at and its updated_at, in ms after {@link #ACCEPTED_AT}. */
    record Row(int conversation, String messageId, MessageRole role, int contentSeed, long at, String userId) {
        String conversationId() {
            return "conv-" + conversation;
        }

        Instant acceptedAt() {
            return ACCEPTED_AT.plusMillis(at);
        }
    }

    /**
     * An event of the re-sync phase: the row it carries (for a re-sent message, the row as first stored)
     * and, in ms after {@link #ACCEPTED_AT}, when the API accepted it this time.
     */
    record Resent(Row row, long acceptedAt, boolean isNew) {
    }

    private final RaceSettings settings;

    Workload(RaceSettings settings) {
        this.settings = settings;
        if (settings.conversations() < settings.partitions()) {
            throw new IllegalArgumentException("every partition needs a conversation: conversations >= partitions");
        }
        if (settings.warmUp() < 2 * settings.partitions() || settings.warmUp() >= settings.messages()) {
            throw new IllegalArgumentException("the warm-up needs a message on every partition and leaves some to time: "
                    + "2 x partitions <= warmup < messages");
        }
        if (settings.messages() < 2 * settings.conversations()) {
            throw new IllegalArgumentException("the re-sync re-sends stored turns: messages >= 2 x conversations");
        }
    }

    int partitionOf(int conversation) {
        return conversation % settings.partitions();
    }

    int newMessages() {
        return settings.messages();
    }

    /** Messages arrive in turns, a user message and the assistant's reply, round-robin over conversations. */
    Row newMessage(int index) {
        int conversation = (index / 2) % settings.conversations();
        return row(conversation, "msg-" + index, index % 2 == 0 ? MessageRole.user : MessageRole.assistant, index, index);
    }

    int warmUp() {
        return settings.warmUp();
    }

    /**
     * The last of the first {@code count} new messages on each partition, by partition: once a sink stored
     * these, it stored all of them.
     */
    List<Row> lastNewMessages(int count) {
        Row[] last = new Row[settings.partitions()];
        for (int i = 0; i < count; i++) {
            Row row = newMessage(i);
            last[partitionOf(row.conversation())] = row;
        }
        return List.of(last);
    }

    /**
     * Clients re-sending whole conversations: of every 20 events, 19 re-send stored messages unchanged and 1
     * is new; then one new message closes each partition, so a sink that stored those has seen everything.
     */
    List<Resent> resync() {
        List<Resent> events = new ArrayList<>(settings.resync() + settings.partitions());
        long acceptedAt = settings.messages();
        int nextNew = 0;
        for (int e = 0, post = 0; e < settings.resync(); post++) {
            int conversation = post % settings.conversations();
            int stored = storedIn(conversation);
            for (int k = 0; k < 19 && e < settings.resync(); k++, e++) {
                int index = indexOf(conversation, (post / settings.conversations() + k) % stored);
                events.add(new Resent(newMessage(index), acceptedAt++, false));
            }
            if (e < settings.resync()) {
                events.add(fresh(conversation, "msg-new-" + nextNew, settings.messages() + nextNew++, acceptedAt++));
                e++;
            }
        }
        for (int partition = 0; partition < settings.partitions(); partition++) {
            events.add(fresh(partition, "msg-end-" + partition, settings.messages() + nextNew++, acceptedAt++));
        }
        return events;
    }

    /** The closing new message of each partition in {@link #resync()}, by partition. */
    static List<Row> closingMessages(List<Resent> resync, int partitions) {
        return resync.subList(resync.size() - partitions, resync.size()).stream().map(Resent::row).toList();
    }

    private Resent fresh(int conversation, String messageId, int contentSeed, long acceptedAt) {
        return new Resent(row(conversation, messageId, MessageRole.user, contentSeed, acceptedAt), acceptedAt, true);
    }

    private Row row(int conversation, String messageId, MessageRole role, int contentSeed, long at) {
        return new Row(conversation, messageId, role, contentSeed, at, "user_" + conversation % settings.users());
    }

    /** The new message at {@code position} within {@code conversation}. */
    private int indexOf(int conversation, int position) {
        return 2 * (conversation + settings.conversations() * (position / 2)) + position % 2;
    }

    private int storedIn(int conversation) {
        int positions = 0;
        while (indexOf(conversation, positions) < settings.messages()) {
            positions++;
        }
        return positions;
    }

    static String content(int seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(1100);
        while (text.length() < 1024) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return text.substring(0, 1024);
    }
}
