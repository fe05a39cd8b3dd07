package dev.chatsync.ingest.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A highlighted excerpt as the API answers it: plain text and the ranges of it that matched, rather
 * than markup inside the text. A message's content is whatever a user or a model wrote, so a snippet
 * carrying {@code <b>} tags would have to be inserted as HTML by the client, content included.
 *
 * @param text       the excerpt, fragments joined by {@link #FRAGMENT_DELIMITER}
 * @param highlights the matched words, as offsets into {@code text} in UTF-16 units (JavaScript's string indices)
 */
record Snippet(String text, List<Highlight> highlights) {

    /**
     * What ts_headline is told to put around a match: private-use characters, removed from the content
     * before the headline is made, so every one in the output is a marker.
     */
    static final char START = '\uE000';
    static final char STOP = '\uE001';
    static final String FRAGMENT_DELIMITER = " … ";

    /** A matched range of the text: {@code start} inclusive, {@code end} exclusive. */
    record Highlight(int start, int end) {
    }

    /** The snippet of a headline made with {@link #START} and {@link #STOP} around each match. */
    static Snippet of(String headline) {
        StringBuilder text = new StringBuilder(headline.length());
        List<Highlight> highlights = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < headline.length(); i++) {
            char c = headline.charAt(i);
            if (c == START) {
                start = text.length();
            } else if (c == STOP) {
                if (start >= 0 && text.length() > start) {
                    highlights.add(new Highlight(start, text.length()));
                }
                start = -1;
            } else {
                text.append(c);
            }
        }
        return trimmed(text.toString(), highlights);
    }

    // a tag at either end of a headline leaves the space it was replaced by
    private static Snippet trimmed(String text, List<Highlight> highlights) {
        int from = 0;
        int to = text.length();
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        int lead = from;
        int end = to;
        List<Highlight> kept = highlights.stream()
                .map(h -> new Highlight(Math.max(h.start(), lead) - lead, Math.min(h.end(), end) - lead))
                .filter(h -> h.end() > h.start())
                .toList();
        return new Snippet(text.substring(from, to), kept);
    }
}
