package dev.chatsync.environment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * The environment variables operators were given before every setting had a {@code chatsync.*} name
 * ({@code PERSISTER_GROUP_ID}, {@code CLERK_ISSUER}, {@code KAFKA_BOOTSTRAP_SERVERS}...): a public
 * interface, so they keep working beside Spring's relaxed names ({@code CHATSYNC_PERSISTER_GROUP_ID}).
 *
 * <p>Each alias is one line of a properties file, {@code ENV_NAME=property.name}: {@value #SHARED} for
 * both services, and {@code <spring.config.name>-environment.properties} for one of them (the local
 * stack runs both in one JVM, where {@code PORT} and {@code PERSISTER_PORT} both mean
 * {@code server.port}). The aliases take the precedence of environment variables, just below them: no
 * default is written here, so a default stays in its properties record, and
 * {@code SpringApplicationBuilder.properties(...)} and config files lose to an alias that is set.
 */
public final class EnvironmentAliases implements EnvironmentPostProcessor, Ordered {

    static final String SHARED = "chatsync-environment.properties";
    static final String SOURCE_NAME = "chatsyncEnvironmentAliases";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        PropertySource<?> variables = environment.getPropertySources().get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        if (variables == null) {
            return;
        }
        Map<String, Object> aliased = new LinkedHashMap<>();
        aliasesOf(environment.getProperty("spring.config.name")).forEach((variable, property) -> {
            Object value = variables.getProperty(variable);
            if (value != null) {
                aliased.put(property, value);
            }
        });
        if (!aliased.isEmpty()) {
            environment.getPropertySources().addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new MapPropertySource(SOURCE_NAME, aliased));
        }
    }

    /** Variable name → property name, for the service named by its {@code spring.config.name}. */
    public static Map<String, String> aliasesOf(String configName) {
        Map<String, String> aliases = new LinkedHashMap<>(read(new ClassPathResource(SHARED)));
        if (configName != null) {
            aliases.putAll(read(new ClassPathResource(configName + "-environment.properties")));
        }
        return aliases;
    }

    private static Map<String, String> read(Resource resource) {
        if (!resource.exists()) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (InputStream in = resource.getInputStream()) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        Map<String, String> aliases = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(name -> aliases.put(name, properties.getProperty(name).trim()));
        return aliases;
    }

    /** Before the config files are read, so that {@code spring.config.*} could be aliased too. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 5;
    }
}
