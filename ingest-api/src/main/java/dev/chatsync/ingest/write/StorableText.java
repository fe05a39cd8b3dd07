package dev.chatsync.ingest.write;

import dev.chatsync.ingest.problem.FieldViolation;

/**
 * Text as it is stored downstream: UTF-8 in Avro, {@code text} and {@code jsonb} in Postgres. Postgres
 * holds no NUL (neither in text nor in a jsonb string or key), and a lone UTF-16 surrogate has no
 * UTF-8 form (the Avro encoder would silently turn it into '?'): either would corrupt or dead-letter
 * the message downstream.
 */
public final class StorableText {

    private StorableText() {
    }

    /** The violation of {@code text} as the value of {@code field}, or null when it can be stored as sent. */
    public static FieldViolation violation(String field, String text) {
        if (text.indexOf('\u0000') >= 0) {
            return new FieldViolation(field, "no_nul", "must not contain NUL (\\u0000) characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return new FieldViolation(field, "valid_unicode", "must not contain unpaired surrogates");
                }
            }
        }
        return null;
    }

    /** UTF-8 size, counted only when the text could exceed {@code max} (a char is at most 3 bytes). */
    static boolean exceedsUtf8(String text, long max) {
        if ((long) text.length() * 3 <= max) {
            return false;
        }
        if (text.length() > max) {
            return true;
        }
        return utf8Length(text) > max;
    }

    /** The UTF-8 size of text without unpaired surrogates. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
