package dev.chatsync.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class EnvironmentAliasesTest {

    @Test
    void anAliasSetsItsPropertyForTheServiceNamedByItsConfigName() {
        StandardEnvironment environment = environment(Map.of("SERVICE_PORT", "9100", "EVENTS_TOPIC", "chats"));

        assertThat(environment.getProperty("server.port")).isEqualTo("9100");
        assertThat(environment.getProperty("chatsync.events.topic")).isEqualTo("chats");
    }

    @Test
    void anotherServicesAliasIsNotApplied() {
        StandardEnvironment environment = new StandardEnvironment();
        replaceVariables(environment, Map.of("SERVICE_PORT", "9100"));
        defaults(environment, Map.of("spring.config.name", "another"));
        new EnvironmentAliases().postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("server.port")).isNull();
    }

    @Test
    void anAliasWinsOverConfigFilesAndBuilderDefaultsButLosesToSystemPropertiesAndItsRelaxedName() {
        StandardEnvironment environment = environment(Map.of("SERVICE_PORT", "9100", "EVENTS_TOPIC", "from-alias",
                "CHATSYNC_EVENTS_TOPIC", "from-relaxed-name"));
        environment.getPropertySources().addLast(new MapPropertySource("a config file", Map.of("server.port", "9200")));
        environment.getPropertySources().addFirst(new MapPropertySource("command line", Map.of("chatsync.persister.group-id", "cli")));

        assertThat(environment.getProperty("server.port")).isEqualTo("9100");
        assertThat(environment.getProperty("chatsync.events.topic")).isEqualTo("from-relaxed-name");

        StandardEnvironment withSystemProperty = environment(Map.of("SERVICE_PORT", "9100"));
        withSystemProperty.getPropertySources().replace(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, Map.of("server.port", "9300")));
        assertThat(withSystemProperty.getProperty("server.port")).isEqualTo("9300");
    }

    @Test
    void noVariablesAddNothing() {
        StandardEnvironment environment = environment(Map.of());

        assertThat(environment.getPropertySources().contains(EnvironmentAliases.SOURCE_NAME)).isFalse();
    }

    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        replaceVariables(environment, variables);
        defaults(environment, Map.of("spring.config.name", "aliases-test", "server.port", "9000"));
        new EnvironmentAliases().postProcessEnvironment(environment, null);
        return environment;
    }

    private static void replaceVariables(StandardEnvironment environment, Map<String, Object> variables) {
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new LinkedHashMap<>(variables)));
    }

    /** Like {@code SpringApplicationBuilder.properties(...)}: the lowest precedence. */
    private static void defaults(StandardEnvironment environment, Map<String, Object> defaults) {
        environment.getPropertySources().addLast(new MapPropertySource("defaultProperties", defaults));
    }
}
