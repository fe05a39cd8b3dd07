package dev.chatsync.localstack;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import reactor.core.publisher.Mono;

/**
 * The demo chat app (clients/web's build), served by the local stack's ingest-api at {@code /} and by
 * nothing else: on the API's own origin it needs no CORS and reaches the dev token endpoint. Its files
 * are read at request time, so a demo built after the stack started is served too. A GET outside the
 * API's paths needs no token; a path that is no file falls through to the API.
 */
@Configuration(proxyBeanMethods = false)
class DemoApp {

    static final String DIRECTORY = "local-stack.demo-directory";

    private final Path directory;

    DemoApp(@Value("${" + DIRECTORY + "}") Path directory) {
        this.directory = directory;
    }

    /** Whether the demo has been built into the directory. */
    static boolean builtIn(Path directory) {
        return Files.isReadable(directory.resolve("index.html"));
    }

    /** After the dev token chain, before the API's; Spring Security's no-store would keep the browser from caching the assets. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain demoPageSecurity(ServerHttpSecurity http) {
        return http.securityMatcher(new AndServerWebExchangeMatcher(
                        ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/**"),
                        new NegatedServerWebExchangeMatcher(ServerWebExchangeMatchers.pathMatchers("/api/**", "/dev/**", "/actuator/**", "/v3/**"))))
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .headers(headers -> headers.cache(ServerHttpSecurity.HeaderSpec.CacheSpec::disable))
                .build();
    }

    @Bean
    RouterFunction<ServerResponse> demoPages() {
        return RouterFunctions.route()
                .GET("/", request -> index())
                .resources("/**", new FileSystemResource(directory.toString() + "/"))
                .build();
    }

    private Mono<ServerResponse> index() {
        if (!builtIn(directory)) {
            return ServerResponse.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .bodyValue("The demo is not built. With Node.js installed: cd clients/web && npm ci && npm run build:demo\n");
        }
        return ServerResponse.ok().contentType(MediaType.TEXT_HTML).cacheControl(CacheControl.noCache())
                .bodyValue(new FileSystemResource(directory.resolve("index.html")));
    }
}
