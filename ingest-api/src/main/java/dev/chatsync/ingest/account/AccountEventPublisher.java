package dev.chatsync.ingest.account;

import java.util.List;
import java.util.concurrent.Executor;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.stereotype.Component;

import dev.chatsync.events.AccountsTopic;
import dev.chatsync.ingest.publish.EventPublisher;
import dev.chatsync.schemas.event.AccountDeleted;
import dev.chatsync.schemas.event.AccountEvent;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes account events to the accounts topic, keyed by user id (one account's events in order on
 * one partition), through the same producer and 202/503 contract as conversation events. Once a
 * deletion is acknowledged this instance refuses the account's writes at once ({@link DeletedAccounts}).
 */
@Component
class AccountEventPublisher {

    // Account events are rare: completing on Reactor's parallel threads costs a hop nobody measures.
    private static final Executor COMPLETIONS = task -> Schedulers.parallel().schedule(task);

    private final EventPublisher publisher;
    private final DeletedAccounts deletedAccounts;
    private final String topic;

    AccountEventPublisher(EventPublisher publisher, DeletedAccounts deletedAccounts, AccountsTopic topic) {
        this.publisher = publisher;
        this.deletedAccounts = deletedAccounts;
        this.topic = topic.topic();
    }

    /** Completes once Kafka acknowledged the event; fails with a 503 problem when it did not in time. */
    Mono<Void> publish(AccountEvent event) {
        return publisher.publish(List.of(new ProducerRecord<>(topic, event.getUserId(), event)), COMPLETIONS)
                .doOnNext(acks -> {
                    if (event.getPayload() instanceof AccountDeleted) {
                        deletedAccounts.deleted(event.getUserId());
                    }
                })
                .then();
    }
}
