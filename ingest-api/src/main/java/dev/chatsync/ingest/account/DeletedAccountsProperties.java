package dev.chatsync.ingest.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the API learns that an account was deleted ({@code chatsync.ingest.deleted-accounts.*}), to refuse
 * its writes. Only a courtesy to the client: the persister drops every event of a deleted account anyway.
 *
 * @param maxUsers      accounts whose state is remembered (deleted ones until evicted, live ones for {@code liveFor})
 * @param liveFor       how long an account found alive is trusted before it is looked up again; a deletion
 *                      made through another instance is refused here after at most this long
 * @param lookupTimeout longest a write waits for the lookup; past it (or when the database is away) the write
 *                      goes on as if the account were alive
 */
@ConfigurationProperties("chatsync.ingest.deleted-accounts")
public record DeletedAccountsProperties(
        @DefaultValue("100000") int maxUsers,
        @DefaultValue("1m") Duration liveFor,
        @DefaultValue("500ms") Duration lookupTimeout) {
}
