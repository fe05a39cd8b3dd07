package dev.chatsync.persister.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseFailuresTest {

    @ParameterizedTest
    @ValueSource(strings = {"22021", "22P05", "22001", "23514", "23502", "23503"})
    void dataAndIntegrityErrorsBlameTheData(String state) {
        assertThat(DatabaseFailures.permanentOrThrow(new SQLException("refused", state)).sqlException().getSQLState()).isEqualTo(state);
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "57P01", "57P03", "40001", "40P01", "53300", "42P01", "XX000"})
    void everythingElseIsRetried(String state) {
        assertThatThrownBy(() -> DatabaseFailures.permanentOrThrow(new SQLException("trouble", state)))
                .isInstanceOf(RetriableBatchException.class).hasMessageContaining(state);
    }

    @Test
    void aFailureWithoutStateIsRetried() {
        assertThatThrownBy(() -> DatabaseFailures.permanentOrThrow(new SQLException("no state")))
                .isInstanceOf(RetriableBatchException.class);
    }
}
