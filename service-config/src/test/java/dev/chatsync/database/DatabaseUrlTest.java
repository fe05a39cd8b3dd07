package dev.chatsync.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void neonConnectionStringBecomesJdbcUrlWithCredentialsApart() {
        DatabaseUrl url = DatabaseUrl.parse(
                "postgresql://alex:AbC123dEf@ep-cool-darkness-123456.us-east-2.aws.neon.tech/dbname?sslmode=require&channel_binding=require");

        assertThat(url.jdbcUrl()).isEqualTo(
                "jdbc:postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech:5432/dbname?sslmode=require&channel_binding=require");
        assertThat(url.username()).isEqualTo("alex");
        assertThat(url.password()).isEqualTo("AbC123dEf");
    }

    @Test
    void percentEncodedPasswordAndExplicitPortAreDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app%40svc:p%3Ass%2Fw0rd@localhost:6543/chat");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:6543/chat");
        assertThat(url.username()).isEqualTo("app@svc");
        assertThat(url.password()).isEqualTo("p:ss/w0rd");
    }

    @Test
    void jdbcUrlPassesThrough() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db:5432/chat?ssl=false");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/chat?ssl=false");
        assertThat(url.username()).isNull();
    }

    @Test
    void rejectsOtherSchemesAndMissingDatabaseWithoutEchoingThePassword() {
        assertThatIllegalArgumentException().isThrownBy(() -> DatabaseUrl.parse("mysql://u:secret@h/db"))
                .withMessageNotContaining("secret");
        assertThatIllegalArgumentException().isThrownBy(() -> DatabaseUrl.parse("postgresql://u:secret@host"))
                .withMessageNotContaining("secret");
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(DatabaseUrl.parse("postgresql://u:secret@h/db").toString()).doesNotContain("secret");
    }
}
