package dev.chatsync.benchmarks.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Who has how many messages: {@code heavyUsers} users with {@code heavyMessages} each (the users the
 * searches are timed for), the other messages spread evenly over the other users, every user's in
 * conversations of {@code conversationMessages}. Conversation pks are 1, 2, ... in {@link #conversations()}
 * order, as a fresh database hands them out.
 */
record SearchPopulation(int users, long messages, int heavyUsers, int heavyMessages, int conversationMessages) {

    SearchPopulation {
        if (heavyUsers >= users || (long) heavyUsers * heavyMessages > messages) {
            throw new IllegalArgumentException("the heavy users must leave other users and messages: " + users + " users, " + messages
                    + " messages, " + heavyUsers + " heavy users of " + heavyMessages);
        }
    }

    /** One conversation: its owner and how many messages it holds. */
    record Conversation(int user, int messages) {
    }

    static String userId(int user) {
        return "user_" + user;
    }

    List<Conversation> conversations() {
        List<Conversation> conversations = new ArrayList<>();
        long rest = messages - (long) heavyUsers * heavyMessages;
        int others = users - heavyUsers;
        for (int user = 0; user < users; user++) {
            long own = user < heavyUsers ? heavyMessages : rest / others + (user - heavyUsers < rest % others ? 1 : 0);
            for (long left = own; left > 0; left -= conversationMessages) {
                conversations.add(new Conversation(user, (int) Math.min(conversationMessages, left)));
            }
        }
        return conversations;
    }
}
