package dev.chatsync.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DatabaseUrlEnvironmentPostProcessorTest {

    private final StandardEnvironment environment = new StandardEnvironment();

    @Test
    void databaseUrlWinsOverConfiguredDatasource() {
        environment.getPropertySources().addFirst(new MapPropertySource("config", Map.of(
                "DATABASE_URL", "postgresql://neondb_owner:s3cret@ep-x.eu-central-1.aws.neon.tech/neondb?sslmode=require",
                "spring.datasource.url", "jdbc:postgresql://localhost/ignored")));

        postProcess();

        assertThat(environment.getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://ep-x.eu-central-1.aws.neon.tech:5432/neondb?sslmode=require");
        assertThat(environment.getProperty("spring.datasource.username")).isEqualTo("neondb_owner");
        assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("s3cret");
    }

    @Test
    void poolDefaultsSuitNeonButLoseToConfiguration() {
        environment.getPropertySources().addFirst(new MapPropertySource("config", Map.of(
                "spring.datasource.hikari.maximum-pool-size", "2")));

        postProcess();

        assertThat(environment.getProperty("spring.datasource.hikari.maximum-pool-size")).isEqualTo("2");
        assertThat(environment.getProperty("spring.datasource.hikari.connection-timeout")).isEqualTo("30000");
        assertThat(environment.getProperty("spring.datasource.hikari.keepalive-time")).isEqualTo("60000");
        assertThat(environment.getProperty("spring.datasource.url")).isNull();
    }

    private void postProcess() {
        new DatabaseUrlEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
    }
}
