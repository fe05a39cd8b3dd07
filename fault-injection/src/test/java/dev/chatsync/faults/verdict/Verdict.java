package dev.chatsync.faults.verdict;

import java.util.List;
import java.util.stream.Stream;

/**
 * The database held against the model. {@code lost}: acknowledged and not stored (a message, one of its
 * versions, a user message rate_limits did not count). {@code duplicated}: stored more often than
 * acknowledged (a version stored twice, a user message counted twice). {@code wrong}: stored, with
 * other content, parts, role, place or conversation metadata. {@code deletedButStored}: rows of a
 * conversation whose delete was acknowledged. {@code neverAcknowledged}: rows of writes the API never
 * acknowledged, which every retrying client ends up having acknowledged.
 */
public record Verdict(List<Finding> lost, List<Finding> duplicated, List<Finding> wrong, List<Finding> deletedButStored,
                      List<Finding> neverAcknowledged) {

    public boolean databaseEqualsModel() {
        return all().findAny().isEmpty();
    }

    public Stream<Finding> all() {
        return Stream.of(lost, duplicated, wrong, deletedButStored, neverAcknowledged).flatMap(List::stream);
    }
}
