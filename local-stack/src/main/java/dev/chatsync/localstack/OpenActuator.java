package dev.chatsync.localstack;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * The persister has no API, only actuator endpoints, and no security of its own. In the local stack
 * the ingest-api puts Spring Security on the shared classpath, whose defaults would lock those
 * endpoints behind a generated password; this keeps them as open as they are in the persister's image.
 */
@Configuration(proxyBeanMethods = false)
class OpenActuator {

    @Bean
    SecurityWebFilterChain actuatorWithoutLogin(ServerHttpSecurity http) {
        return http.authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .build();
    }
}
