package dev.chatsync.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

class AuthorizationHeaderBearerTokenTest {

    private final AuthorizationHeaderBearerToken converter = new AuthorizationHeaderBearerToken();

    @ParameterizedTest
    @ValueSource(strings = {"Bearer eyJh.eyJz.c2ln", "bearer eyJh.eyJz.c2ln", "BEARER eyJh.eyJz.c2ln"})
    void takesTheTokenWhateverTheSchemesCase(String header) {
        assertThat(convert(header)).isInstanceOfSatisfying(BearerTokenAuthenticationToken.class,
                token -> assertThat(token.getToken()).isEqualTo("eyJh.eyJz.c2ln"));
    }

    @Test
    void keepsTrailingPaddingAndEveryB64TokenCharacter() {
        String token = "AZaz09-._~+/abc==";
        assertThat(((BearerTokenAuthenticationToken) convert("Bearer " + token)).getToken()).isEqualTo(token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Digest x", "Token abc"})
    void leavesOtherSchemesAnonymous(String header) {
        assertThat(convert(header)).isNull();
    }

    @Test
    void leavesRequestsWithoutTheHeaderAnonymous() {
        assertThat(converter.convert(MockServerWebExchange.from(MockServerHttpRequest.get("/api/messages"))).block()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer  abc", "Bearer a b", "Bearer a=b", "Bearer =abc", "Bearer abc\t",
            "Bearerabc", "Bearer abc,def", "Bearer a\u00e9c"})
    void rejectsMalformedBearerTokens(String header) {
        assertThatThrownBy(() -> convert(header))
                .isInstanceOfSatisfying(OAuth2AuthenticationException.class,
                        e -> assertThat(e.getError().getErrorCode()).isEqualTo("invalid_token"));
    }

    private Authentication convert(String header) {
        return converter.convert(MockServerWebExchange.from(MockServerHttpRequest.get("/api/messages").header("Authorization", header))).block();
    }
}
