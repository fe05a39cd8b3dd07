package dev.chatsync.ingest;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.chatsync.changes.ChangesFeedProperties;
import dev.chatsync.events.EventsTopic;

/**
 * The HTTP front of chat-sync: validates what chat UIs send, publishes it to Kafka and answers
 * reads from Postgres. Configured by {@code ingest-api.yml} rather than {@code application.yml} so
 * it can share one classpath (and one JVM) with the persister in the local stack.
 */
@SpringBootApplication
@ConfigurationPropertiesScan(basePackageClasses = {IngestApiApplication.class, EventsTopic.class, ChangesFeedProperties.class})
public class IngestApiApplication {

    /** The application with its own config name; the local stack starts it from here. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(IngestApiApplication.class)
                .properties("spring.config.name=ingest-api");
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
