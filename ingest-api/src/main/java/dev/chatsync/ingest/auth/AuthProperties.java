package dev.chatsync.ingest.auth;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Clerk session tokens ({@code chatsync.auth.*}).
 *
 * @param jwksUrl            Clerk's JWKS endpoint (CLERK_JWKS_URL), e.g. https://your-app.clerk.accounts.dev/.well-known/jwks.json
 * @param issuer             the exact {@code iss} of the tokens (CLERK_ISSUER), e.g. https://your-app.clerk.accounts.dev
 * @param authorizedParties  origins allowed in the {@code azp} claim (CLERK_AUTHORIZED_PARTIES, comma-separated);
 *                           Clerk puts the origin of the page that obtained the token there. Also the CORS origins.
 * @param verifiedTokens     verified tokens remembered until they expire (see {@link VerifiedTokens}); 0 turns that off
 */
@ConfigurationProperties("chatsync.auth")
record AuthProperties(String jwksUrl, String issuer, List<String> authorizedParties, @DefaultValue("10000") int verifiedTokens) {

    AuthProperties {
        authorizedParties = authorizedParties == null ? List.of() : authorizedParties.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
    }
}
