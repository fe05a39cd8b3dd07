package dev.chatsync.ingest.read;

import java.util.List;

import dev.chatsync.ingest.problem.FieldViolation;

/** The {@code limit} query parameter of every paged read: 1 to the configured maximum, the default when absent. */
public final class PageLimit {

    private PageLimit() {
    }

    /** The page size {@code limit} asks for; on a violation, adds it and returns 0. */
    public static int parse(String limit, ReadProperties properties, List<FieldViolation> violations) {
        return parse(limit, properties.defaultPageSize(), properties.maxPageSize(), violations);
    }

    /** The same rule with other bounds (a search's page is smaller than a conversation's). */
    public static int parse(String limit, int defaultSize, int maxSize, List<FieldViolation> violations) {
        if (limit == null) {
            return defaultSize;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= maxSize) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, like an out-of-range number
        }
        violations.add(new FieldViolation("limit", "range", "an integer from 1 to " + maxSize));
        return 0;
    }
}
