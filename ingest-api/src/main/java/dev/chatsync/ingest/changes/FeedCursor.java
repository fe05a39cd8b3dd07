package dev.chatsync.ingest.changes;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.chatsync.ingest.cursor.OpaqueCursor;

/**
 * A device's position in the changes feed as the client holds it: opaque, base64url of
 * {@code v1.<xid>.<pk>.<seq>.<issuedEpochSeconds>}. Not signed: every read is filtered by its caller,
 * so a made-up cursor shows nothing its caller could not read from the start. The issue time lets an
 * old cursor be refused (410) once tombstones it may still need could have been pruned.
 */
record FeedCursor(FeedKey key, Instant issued) {

    private static final int MAX_LENGTH = 128;
    private static final Pattern TEXT = Pattern.compile("v1\\.([0-9]{1,19})\\.([0-9]{1,19})\\.([0-9]{1,19})\\.([0-9]{1,19})");

    String encode() {
        return OpaqueCursor.encode("v1." + key.xid() + "." + key.pk() + "." + key.seq() + "." + issued.getEpochSecond());
    }

    /** The cursor {@code encoded} is, if this API could have issued it. */
    static Optional<FeedCursor> parse(String encoded) {
        return OpaqueCursor.decode(encoded, MAX_LENGTH, TEXT).flatMap(text -> {
            try {
                FeedKey key = new FeedKey(Long.parseLong(text.group(1)), Long.parseLong(text.group(2)), Long.parseLong(text.group(3)));
                return Optional.of(new FeedCursor(key, Instant.ofEpochSecond(Long.parseLong(text.group(4)))));
            } catch (NumberFormatException | DateTimeException e) {
                // a number beyond a long, or a time beyond Instant's range
                return Optional.empty();
            }
        });
    }
}
