package dev.chatsync.ingest.account;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.AccountDeleted;
import dev.chatsync.schemas.event.DeletionSource;
import io.swagger.v3.oas.annotations.Operation;
import reactor.core.publisher.Mono;

/** {@code DELETE /api/account}: the signed-in user deletes their account and everything of it. */
@RestController
class AccountController {

    private final AccountEventPublisher publisher;

    AccountController(AccountEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Operation(summary = "Delete the caller's account with every conversation, message, revision and usage row",
            description = "Publishes one AccountDeleted; 202 once Kafka acknowledged it. From then on the persister drops "
                    + "every event of the account, also those accepted before and still in flight, and this API answers the "
                    + "account's writes with 410. Repeating it is harmless. Deleting the Clerk user itself is the front end's job "
                    + "(Clerk's user.deleted webhook then arrives here too, to the same effect).")
    @DeleteMapping(path = "/api/account", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<AccountDeletionAccepted> delete(@AuthenticationPrincipal Jwt caller) {
        String userId = caller.getSubject();
        Instant acceptedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return publisher.publish(Envelopes.of(Envelopes.newEventId(), userId, acceptedAt, new AccountDeleted(DeletionSource.user)))
                .thenReturn(new AccountDeletionAccepted(userId, 1));
    }

    record AccountDeletionAccepted(String userId, int published) {
    }
}
