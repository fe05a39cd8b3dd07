package dev.chatsync.persister.write;

import java.nio.charset.StandardCharsets;

import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;

/** A message version on its way to the database: its conversation's row, its content as UTF-8, its digest. */
record StagedMessage(long conversationPk, MessageVersion message, byte[] contentUtf8, byte[] digest) {

    static StagedMessage of(long conversationPk, MessageVersion message) {
        byte[] content = message.content().getBytes(StandardCharsets.UTF_8);
        return new StagedMessage(conversationPk, message, content, VersionDigest.of(message, content));
    }
}
