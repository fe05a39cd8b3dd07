package dev.chatsync.ingest.limits;

import dev.chatsync.ingest.problem.FieldViolation;

/**
 * The rule for ids chosen by clients (conversation, persona and message ids), in bodies and query
 * parameters alike. The character set keeps ids safe in Kafka keys ('/' separates user and
 * conversation), in URLs and in logs.
 */
public final class ClientIds {

    private final int maxLength;

    public ClientIds(IngestLimits limits) {
        this.maxLength = limits.maxIdLength();
    }

    /** The violation of {@code value} as the id in {@code field}, or null when it is a valid id. */
    public FieldViolation check(String field, String value) {
        if (value == null) {
            return new FieldViolation(field, "required", "is required");
        }
        if (value.isEmpty()) {
            return new FieldViolation(field, "not_empty", "must not be empty");
        }
        if (value.length() > maxLength) {
            return new FieldViolation(field, "max_length", "at most " + maxLength + " characters");
        }
        if (!safe(value)) {
            return new FieldViolation(field, "id_charset", "only letters, digits and . _ : @ -");
        }
        return null;
    }

    /** [A-Za-z0-9._:@-]+ without a regex matcher per id: a POST checks one per message. */
    private static boolean safe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
