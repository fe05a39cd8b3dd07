package dev.chatsync.ingest.ingest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class IngestConfig {

    @Bean
    RecentlyPublished recentlyPublished(DedupProperties properties) {
        return new RecentlyPublished(properties, System::currentTimeMillis);
    }
}
