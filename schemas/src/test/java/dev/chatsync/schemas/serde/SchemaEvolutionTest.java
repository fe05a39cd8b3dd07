package dev.chatsync.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.event.ConversationEvent;

/**
 * Every released schema version must stay readable by every other: a consumer on any version of
 * the schemas jar decodes what a producer on any other version wrote (backward and forward
 * compatibility), checked for each version against all that came before it. Avro's
 * {@code SchemaCompatibility} is used rather than {@code SchemaValidatorBuilder.mutualReadStrategy()}
 * because the latter accepts a removed enum symbol, which fails only when such a record is read.
 */
class SchemaEvolutionTest {

    /** Checks each version against all earlier ones, in both directions; lists every incompatibility. */
    static void checkEvolution(List<Schema> versions) {
        List<String> problems = new ArrayList<>();
        for (int newer = 1; newer < versions.size(); newer++) {
            for (int older = 0; older < newer; older++) {
                check("v" + (newer + 1) + " reading v" + (older + 1), versions.get(newer), versions.get(older), problems);
                check("v" + (older + 1) + " reading v" + (newer + 1), versions.get(older), versions.get(newer), problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new IncompatibleSchemaException(String.join("\n", problems));
        }
    }

    private static void check(String direction, Schema reader, Schema writer, List<String> problems) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
            result.getIncompatibilities().forEach(incompatibility -> problems.add(direction + ": " + incompatibility.getType()
                    + " at " + incompatibility.getLocation() + " (" + incompatibility.getMessage() + ")"));
        }
    }

    static final class IncompatibleSchemaException extends RuntimeException {
        IncompatibleSchemaException(String message) {
            super(message);
        }
    }

    @Test
    void everyReleasedVersionIsMutuallyCompatibleWithAllEarlierOnes() {
        checkEvolution(SchemaHistory.conversationEventVersions());
    }

    @Test
    void theGeneratedSchemaIsTheNewestReleasedVersion() {
        List<Schema> versions = SchemaHistory.conversationEventVersions();

        // a change to src/main/avro must be released as a new history file, or this fails
        assertThat(SchemaNormalization.parsingFingerprint64(versions.get(versions.size() - 1)))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(ConversationEvent.getClassSchema()));
    }

    @Test
    void addingAnOptionalFieldWithDefaultIsAccepted() throws Exception {
        List<Schema> versions = new ArrayList<>(SchemaHistory.conversationEventVersions());
        versions.add(candidate("compatible-optional-field.avsc"));

        checkEvolution(versions);
    }

    @Test
    void theCheckRejectsARequiredFieldWithoutDefault() throws Exception {
        List<Schema> versions = new ArrayList<>(SchemaHistory.conversationEventVersions());
        versions.add(candidate("incompatible-required-field.avsc"));

        String candidate = "v" + versions.size();
        assertThatThrownBy(() -> checkEvolution(versions)).isInstanceOf(IncompatibleSchemaException.class)
                // a reader of the candidate cannot fill the new field from v1 data; v1 readers just skip it
                .hasMessageContaining(candidate + " reading v1: MISSING_UNION_BRANCH at /fields/4/type/0")
                .hasMessageNotContaining("v1 reading " + candidate);
    }

    @Test
    void theCheckRejectsARemovedEnumSymbol() throws Exception {
        List<Schema> versions = new ArrayList<>(SchemaHistory.conversationEventVersions());
        versions.add(candidate("incompatible-removed-role.avsc"));

        String candidate = "v" + versions.size();
        assertThatThrownBy(() -> checkEvolution(versions)).isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(candidate + " reading v1: MISSING_UNION_BRANCH at /fields/4/type/0")
                .hasMessageNotContaining("v1 reading " + candidate);
    }

    private static Schema candidate(String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }
}
