package dev.chatsync.localstack;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import reactor.core.publisher.Mono;

/**
 * Dev-only token minting, added to the ingest-api by the local stack and by nothing else:
 * {@code POST /dev/tokens {"userId":"alice"}} answers a Clerk-shaped session JWT signed with a key
 * made at start-up, and {@code GET /dev/jwks.json} publishes that key. The ingest-api trusts it
 * through its ordinary JWKS verification, so the local stack exercises the production auth path.
 */
@Configuration(proxyBeanMethods = false)
class DevTokens {

    static final String JWKS_PATH = "/dev/jwks.json";
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.@-]{1,128}");
    private static final Duration LIFETIME = Duration.ofHours(12);

    private final RSAKey signingKey;
    private final String issuer;
    private final String authorizedParty;

    DevTokens(@Value("${chatsync.auth.issuer}") String issuer,
              @Value("${chatsync.auth.authorized-parties}") String[] authorizedParties) throws JOSEException {
        this.signingKey = new RSAKeyGenerator(2048).keyID("local-" + UUID.randomUUID()).generate();
        this.issuer = issuer;
        this.authorizedParty = authorizedParties[0];
    }

    /** Ordered before the API's own chain, and matching only /dev/**: the API keeps its rules. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain devTokenSecurity(ServerHttpSecurity http) {
        return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/dev/**"))
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .build();
    }

    @Bean
    RouterFunction<ServerResponse> devTokenRouter() {
        return RouterFunctions.route()
                .POST("/dev/tokens", this::mint)
                .GET(JWKS_PATH, request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new JWKSet(signingKey.toPublicJWK()).toJSONObject()))
                .build();
    }

    private Mono<ServerResponse> mint(ServerRequest request) {
        return request.bodyToMono(TokenRequest.class)
                .onErrorResume(e -> Mono.empty())
                .defaultIfEmpty(new TokenRequest(null))
                .flatMap(body -> body.userId() != null && USER_ID.matcher(body.userId()).matches()
                        ? ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", sign(body.userId())))
                        : badRequest());
    }

    private static Mono<ServerResponse> badRequest() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "body must be {\"userId\": \"...\"} with 1-128 characters of A-Z a-z 0-9 _ . @ -");
        problem.setProperty("errors", List.of(Map.of("field", "userId", "rule", "required, pattern [A-Za-z0-9_.@-]{1,128}")));
        return ServerResponse.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).bodyValue(problem);
    }

    private String sign(String userId) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issuer(issuer)
                .claim("azp", authorizedParty)
                .claim("sid", "sess_" + UUID.randomUUID())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a dev token", e);
        }
        return jwt.serialize();
    }

    record TokenRequest(String userId) {
    }
}
