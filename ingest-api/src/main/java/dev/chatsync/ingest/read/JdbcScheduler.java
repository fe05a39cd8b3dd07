package dev.chatsync.ingest.read;

import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

import javax.sql.DataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

import dev.chatsync.ingest.problem.ProblemException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where blocking JDBC runs: as many threads as the pool has connections (more would only wait for a
 * connection while holding a thread), with a bounded queue in front, and never a Netty event loop.
 */
@Component
class JdbcScheduler implements DisposableBean {

    private final Scheduler scheduler;

    JdbcScheduler(DataSource dataSource, ReadProperties properties) {
        int threads = dataSource instanceof HikariDataSource hikari ? hikari.getMaximumPoolSize() : 10;
        this.scheduler = Schedulers.newBoundedElastic(threads, properties.queueSize(), "jdbc-read");
    }

    <T> Mono<T> run(Callable<T> query) {
        return Mono.fromCallable(query)
                .subscribeOn(scheduler)
                .onErrorMap(RejectedExecutionException.class,
                        e -> ProblemException.unavailable("Too many reads in flight; retry shortly.", java.time.Duration.ofSeconds(1)));
    }

    @Override
    public void destroy() {
        scheduler.dispose();
    }
}
