package dev.chatsync.ingest.auth;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * The bearer token of the Authorization header, the only place Clerk's front ends put it (a token in
 * a URL ends up in access logs). Spring's {@code ServerBearerTokenAuthenticationConverter} gives the
 * same outcomes but merges three possible sources and matches a regular expression over the whole
 * token on every request, a cost that shows in the benchmark. Outcomes: no header or another scheme
 * leaves the request anonymous (401 from the entry point); a malformed bearer token fails as
 * {@code invalid_token}.
 */
final class AuthorizationHeaderBearerToken implements ServerAuthenticationConverter {

    private static final String SCHEME = "Bearer ";

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length() - 1)) {
            return Mono.empty();
        }
        if (!header.regionMatches(SCHEME.length() - 1, " ", 0, 1) || !isToken68(header, SCHEME.length())) {
            return Mono.error(new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed")));
        }
        return Mono.just(new BearerTokenAuthenticationToken(header.substring(SCHEME.length())));
    }

    /** RFC 6750's b64token: at least one of {@code A-Z a-z 0-9 - . _ ~ + /}, then any number of {@code =}. */
    private static boolean isToken68(String value, int from) {
        int i = from;
        while (i < value.length() && isTokenChar(value.charAt(i))) {
            i++;
        }
        if (i == from) {
            return false;
        }
        while (i < value.length() && value.charAt(i) == '=') {
            i++;
        }
        return i == value.length();
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
