package dev.chatsync.database;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code DATABASE_URL} into Spring's {@code spring.datasource.*} and adds pool defaults that
 * suit Neon: a small pool (Neon bills by compute, and its pooler fronts the real connections), a
 * connection timeout long enough for a suspended compute to wake (typically a few hundred ms to a
 * few seconds), and keepalives so idle connections cut by the network are found before use.
 * An explicit {@code DATABASE_URL} wins over {@code spring.datasource.url}; the pool defaults lose
 * to anything configured.
 */
class DatabaseUrlEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String DATABASE_URL = "DATABASE_URL";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String databaseUrl = environment.getProperty(DATABASE_URL);
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            DatabaseUrl parsed = DatabaseUrl.parse(databaseUrl);
            Map<String, Object> datasource = new HashMap<>();
            datasource.put("spring.datasource.url", parsed.jdbcUrl());
            if (parsed.username() != null) {
                datasource.put("spring.datasource.username", parsed.username());
            }
            if (parsed.password() != null) {
                datasource.put("spring.datasource.password", parsed.password());
            }
            environment.getPropertySources().addFirst(new MapPropertySource("databaseUrl", datasource));
        }
        environment.getPropertySources().addLast(new MapPropertySource("neonPoolDefaults", Map.of(
                "spring.datasource.hikari.maximum-pool-size", "5",
                "spring.datasource.hikari.minimum-idle", "1",
                "spring.datasource.hikari.connection-timeout", "30000",
                "spring.datasource.hikari.validation-timeout", "5000",
                "spring.datasource.hikari.keepalive-time", "60000",
                "spring.datasource.hikari.max-lifetime", "1800000",
                "spring.datasource.hikari.data-source-properties.tcpKeepAlive", "true")));
    }
}
