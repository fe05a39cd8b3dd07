package dev.chatsync.ingest.auth;

import java.time.Clock;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import dev.chatsync.ingest.problem.ProblemResponses;

/**
 * Every route needs a Clerk session JWT except health probes, the Prometheus scrape, the OpenAPI
 * document (keep /actuator off the public ingress: operators, not users, read it) and Clerk's webhooks,
 * which a Svix signature authenticates instead. Stateless:
 * no session, no CSRF token (nothing rides on cookies), no saved requests. The chain is a plain bean
 * without a catch-all order, so a more specific chain (the local stack's /dev/**) can go first.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfig {

    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveJwtDecoder clerkJwtDecoder, AuthProperties auth, ProblemResponses problems) {
        ProblemAuthenticationEntryPoint problemEntryPoint = new ProblemAuthenticationEntryPoint(problems);
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .cors(cors -> cors.configurationSource(corsFor(auth.authorizedParties())))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.OPTIONS).permitAll()
                        // first for the API, which none of the public paths below match: each matcher tried
                        // formats its debug messages whatever the log level (commons-logging's SLF4J adapter)
                        .pathMatchers("/api/**").authenticated()
                        .pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/v3/api-docs", "/v3/api-docs/**").permitAll()
                        // Clerk's webhooks carry a Svix signature instead of a session token (account.ClerkWebhookController)
                        .pathMatchers(HttpMethod.POST, "/webhooks/clerk").permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .bearerTokenConverter(new AuthorizationHeaderBearerToken())
                        .jwt(jwt -> jwt.jwtDecoder(clerkJwtDecoder))
                        .authenticationEntryPoint(problemEntryPoint)
                        .accessDeniedHandler(problemEntryPoint))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(problemEntryPoint)
                        .accessDeniedHandler(problemEntryPoint))
                .build();
    }

    /**
     * No Spring Security observations: with them every filter of every request is wrapped in one, a
     * visible share of the benchmark's CPU, and http.server.requests already times each request.
     */
    @Bean
    static SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring's strict firewall, with its own header-value rule checked by {@link HeaderValues} instead of a regex. */
    @Bean
    static ServerWebExchangeFirewall firewall() {
        StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
        firewall.setAllowedHeaderValues(HeaderValues::allowed);
        return firewall;
    }

    /** RS256 only (so alg=none and HMAC tricks fail), keys from Clerk's JWKS, then exp/nbf, issuer, azp, sub. */
    @Bean
    ReactiveJwtDecoder clerkJwtDecoder(AuthProperties auth) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(auth.jwksUrl())
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(auth.issuer()),
                new ClerkClaimsValidator(auth.authorizedParties())));
        // Nimbus reports an unreachable JWKS as a plain IllegalStateException, which would surface as a
        // 500. As a JwtException it becomes Spring Security's AuthenticationServiceException: a 503.
        ReactiveJwtDecoder keysMayBeAway = token -> decoder.decode(token).onErrorMap(failure -> !(failure instanceof JwtException),
                failure -> new JwtException("cannot obtain Clerk's signing keys: " + failure.getMessage(), failure));
        return auth.verifiedTokens() > 0 ? new VerifiedTokens(keysMayBeAway, auth.verifiedTokens(), Clock.systemUTC()) : keysMayBeAway;
    }

    // Browsers on the authorized origins may call the API directly; tokens travel in a header, so no credentials mode.
    // A polling client sends If-None-Match and must be able to read the ETag it gets.
    private static UrlBasedCorsConfigurationSource corsFor(List<String> origins) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(origins);
        cors.setAllowedMethods(List.of("GET", "POST", "DELETE"));
        // Chat-Sync-Token and Chat-Sync-Consistent: read-your-writes (synctoken.ReadYourWritesFilter);
        // If-None-Match and ETag: cheap polling
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "If-None-Match", "Chat-Sync-Token"));
        cors.setExposedHeaders(List.of("Retry-After", "ETag", "Chat-Sync-Consistent"));
        cors.setMaxAge(600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", cors);
        return source;
    }
}
