package dev.chatsync.ingest.auth;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Clerk session tokens ({@code chatsync.auth.*}).
 *
 * @param jwksUrl            Clerk's JWKS endpoint, https://your-app.clerk.accounts.dev/.well-known/jwks.json; the
 *                           default is a placeholder that production must replace
 * @param issuer             the exact {@code iss} of the tokens (your Clerk Frontend API URL); a placeholder by default
 * @param authorizedParties  origins allowed in the {@code azp} claim (comma-separated); Clerk puts the origin of
 *                           the page that obtained the token there. Also the CORS origins.
 * @param verifiedTokens     verified tokens remembered until they expire (see {@link VerifiedTokens}); 0 turns that off
 */
@ConfigurationProperties("chatsync.auth")
record AuthProperties(
        @DefaultValue("https://clerk.example.com/.well-known/jwks.json") String jwksUrl,
        @DefaultValue("https://clerk.example.com") String issuer,
        @DefaultValue("http://localhost:3000") List<String> authorizedParties,
        @DefaultValue("10000") int verifiedTokens) {

    AuthProperties {
        authorizedParties = authorizedParties == null ? List.of() : authorizedParties.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
    }
}
