package dev.chatsync.ingest.search;

import java.util.Optional;
import java.util.regex.Pattern;

import dev.chatsync.ingest.cursor.OpaqueCursor;

/**
 * Where a page of results ended, as the client holds it: opaque, base64url of
 * {@code s1.<rank as float bits in hex>.<seq>}. Results come by rank, then by seq (unique per
 * message), so a cursor names one position even among equal ranks. The rank travels as its exact bits:
 * Postgres computes it as a {@code real}, and the next page compares it with {@code <}, which a
 * rounded decimal would turn into a skipped or repeated result. Not signed: the search is filtered
 * by its caller, so a made-up cursor shows nothing its caller could not find from the first page.
 */
record SearchCursor(float rank, long seq) {

    /** Before the first result: every rank is below it. */
    static final SearchCursor START = new SearchCursor(Float.POSITIVE_INFINITY, Long.MAX_VALUE);

    private static final int MAX_LENGTH = 64;
    private static final Pattern TEXT = Pattern.compile("s1\\.([0-9a-f]{1,8})\\.([0-9]{1,19})");

    String encode() {
        return OpaqueCursor.encode("s1." + Integer.toHexString(Float.floatToIntBits(rank)) + "." + seq);
    }

    /** The cursor {@code encoded} is, if this API could have issued it. */
    static Optional<SearchCursor> parse(String encoded) {
        return OpaqueCursor.decode(encoded, MAX_LENGTH, TEXT).flatMap(text -> {
            float rank = Float.intBitsToFloat(Integer.parseUnsignedInt(text.group(1), 16));
            // ranks are finite and never negative; anything else was not issued here
            if (!(rank >= 0) || Float.isInfinite(rank)) {
                return Optional.empty();
            }
            try {
                return Optional.of(new SearchCursor(rank, Long.parseLong(text.group(2))));
            } catch (NumberFormatException e) {
                // a seq beyond a long
                return Optional.empty();
            }
        });
    }
}
