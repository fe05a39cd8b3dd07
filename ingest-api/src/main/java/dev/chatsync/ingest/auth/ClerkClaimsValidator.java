package dev.chatsync.ingest.auth;

import java.util.List;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Clerk-specific checks on top of signature, expiry and issuer: the token was minted for one of our
 * origins ({@code azp}; Clerk's defence against tokens lifted from another site), and it names a user
 * that can own conversations (a {@code sub} without '/', which separates user and conversation in
 * Kafka keys).
 */
final class ClerkClaimsValidator implements OAuth2TokenValidator<Jwt> {

    private final List<String> authorizedParties;

    ClerkClaimsValidator(List<String> authorizedParties) {
        this.authorizedParties = List.copyOf(authorizedParties);
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        String subject = token.getSubject();
        if (subject == null || subject.isBlank() || subject.indexOf('/') >= 0 || subject.length() > 256) {
            return failure("the token has no usable sub");
        }
        if (!authorizedParties.isEmpty()) {
            String azp = token.getClaimAsString("azp");
            if (azp == null || !authorizedParties.contains(azp)) {
                return failure("the token's azp is not an authorized party");
            }
        }
        return OAuth2TokenValidatorResult.success();
    }

    private static OAuth2TokenValidatorResult failure(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
    }
}
