package dev.chatsync.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import dev.chatsync.environment.EnvironmentAliases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * README's configuration tables held against what the services really bind, the way
 * {@link LocalStackIT} holds the quick start: every {@code chatsync.*} property of a service is
 * documented in its table (or in the table both services share), every documented property exists,
 * its documented default is the one the service starts with, and its documented environment variable
 * reaches it, by Spring's relaxed binding or by an alias.
 */
class ConfigurationDocsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final String SHARED_TABLE = "Both services:";
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| (?:`([a-z0-9.\\-]+)`|—) \\| (?:`([^`]*)`[^|]*|—[^|]*) \\|.*$");

    /** A service's config name (its yml and aliases file), its README table, and the module whose metadata it binds. */
    private record Service(String configName, String table, String module) {
    }

    private static final Map<String, Service> SERVICES = Map.of(
            "ingest-api", new Service("ingest-api", "ingest-api:", "ingest-api"),
            "persister", new Service("persister", "persister:", "persister"));

    /** Spring properties whose default their metadata does not carry, read from Spring's own classes. */
    private static final Map<String, String> UNDECLARED_DEFAULTS = Map.of(
            "spring.kafka.bootstrap-servers", String.join(",", new KafkaProperties().getBootstrapServers()));

    private record Row(String variable, String property, String defaultValue) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest-api", "persister"})
    void everyChatsyncPropertyIsDocumented(String name) throws IOException {
        Service service = SERVICES.get(name);
        Set<String> documented = new TreeSet<>();
        rowsOf(service).stream().filter(row -> row.property() != null).forEach(row -> documented.add(row.property()));

        Set<String> bound = new TreeSet<>(chatsyncProperties(service.module()).keySet());
        bound.addAll(chatsyncProperties("service-config").keySet());

        assertThat(documented).containsAll(bound);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest-api", "persister"})
    void everyDocumentedPropertyExistsWithItsDefault(String name) throws IOException {
        Service service = SERVICES.get(name);
        Map<String, JsonNode> known = allProperties();
        Map<String, Object> yml = yml(service.configName());
        for (Row row : rowsOf(service)) {
            if (row.property() == null) {
                continue;
            }
            assertThat(known).as("%s is a property Spring or chat-sync binds", row.property()).containsKey(row.property());
            Object effective = yml.containsKey(row.property()) ? yml.get(row.property())
                    : UNDECLARED_DEFAULTS.containsKey(row.property()) ? UNDECLARED_DEFAULTS.get(row.property())
                    : defaultOf(known.get(row.property()));
            assertThat(effective == null ? null : String.valueOf(effective)).as("default of %s", row.property()).isEqualTo(row.defaultValue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest-api", "persister"})
    void everyDocumentedVariableReachesItsProperty(String name) throws IOException {
        Service service = SERVICES.get(name);
        for (Row row : rowsOf(service)) {
            if (row.property() == null) {
                continue;
            }
            String probe = "probe-" + row.variable().toLowerCase();
            StandardEnvironment environment = new StandardEnvironment();
            environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(row.variable(), probe)));
            environment.getPropertySources().addLast(new MapPropertySource("config name", Map.of("spring.config.name", service.configName())));
            new EnvironmentAliases().postProcessEnvironment(environment, null);
            ConfigurationPropertySources.attach(environment);

            assertThat(Binder.get(environment).bind(row.property(), String.class).orElse(null))
                    .as("%s sets %s", row.variable(), row.property())
                    .isEqualTo(probe);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest-api", "persister"})
    void everyAliasIsDocumented(String name) throws IOException {
        Service service = SERVICES.get(name);
        Map<String, String> documented = new HashMap<>();
        rowsOf(service).forEach(row -> documented.put(row.variable(), row.property()));

        assertThat(documented).containsAllEntriesOf(EnvironmentAliases.aliasesOf(service.configName()));
    }

    /** The rows of the service's table and of the shared one. */
    private static List<Row> rowsOf(Service service) throws IOException {
        List<Row> rows = new ArrayList<>(table(SHARED_TABLE));
        rows.addAll(table(service.table()));
        assertThat(rows).as("rows of README's tables for %s", service.configName()).hasSizeGreaterThan(3);
        return rows;
    }

    private static List<Row> table(String heading) throws IOException {
        List<String> lines = Files.readAllLines(README);
        int configuration = lines.indexOf("## Configuration");
        int at = lines.subList(configuration, lines.size()).indexOf(heading) + configuration;
        assertThat(at).as("README has the table '%s' under ## Configuration", heading).isGreaterThan(configuration);
        List<Row> rows = new ArrayList<>();
        for (int i = at + 4; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            Matcher row = ROW.matcher(lines.get(i));
            assertThat(row.matches()).as("README row in the form | `ENV` | `property` | `default` | meaning |: %s", lines.get(i)).isTrue();
            rows.add(new Row(row.group(1), row.group(2), row.group(3)));
        }
        return rows;
    }

    /** The chatsync.* properties in the configuration metadata of one module. */
    private static Map<String, JsonNode> chatsyncProperties(String module) throws IOException {
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        for (URL url : Collections.list(ConfigurationDocsTest.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            if (url.toString().contains("/" + module + "/") || url.toString().contains("/" + module + "-")) {
                properties.putAll(propertiesIn(url));
            }
        }
        assertThat(properties).as("configuration metadata of %s", module).isNotEmpty();
        properties.keySet().removeIf(property -> !property.startsWith("chatsync."));
        return properties;
    }

    /** Every property with metadata on the classpath: Spring Boot's and chat-sync's. */
    private static Map<String, JsonNode> allProperties() throws IOException {
        Map<String, JsonNode> properties = new HashMap<>();
        for (String file : List.of("META-INF/spring-configuration-metadata.json", "META-INF/additional-spring-configuration-metadata.json")) {
            for (URL url : Collections.list(ConfigurationDocsTest.class.getClassLoader().getResources(file))) {
                propertiesIn(url).forEach(properties::putIfAbsent);
            }
        }
        return properties;
    }

    private static Map<String, JsonNode> propertiesIn(URL url) throws IOException {
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        try (InputStream in = url.openStream()) {
            JsonNode metadata = JsonMapper.shared().readTree(in);
            for (JsonNode property : metadata.path("properties")) {
                properties.put(property.get("name").stringValue(), property);
            }
        }
        return properties;
    }

    private static Object defaultOf(JsonNode property) {
        JsonNode value = property.get("defaultValue");
        if (value == null) {
            return null;
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asString()));
            return String.join(",", items);
        }
        return value.asString();
    }

    private static Map<String, Object> yml(String configName) throws IOException {
        Map<String, Object> values = new HashMap<>();
        for (PropertySource<?> source : new YamlPropertySourceLoader().load(configName, new ClassPathResource(configName + ".yml"))) {
            if (source instanceof MapPropertySource map) {
                map.getSource().forEach((key, value) -> values.put(key, String.valueOf(value)));
            }
        }
        return values;
    }
}
