package dev.chatsync.ingest.read;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

import dev.chatsync.ingest.problem.ProblemException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where blocking JDBC runs: as many threads as the pool has connections (more would only wait for a
 * connection while holding a thread), with a bounded queue in front, and never a Netty event loop.
 * Every read of the API runs here, the changes feed's included.
 */
@Component
public class JdbcScheduler implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JdbcScheduler.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final Scheduler scheduler;
    private final Duration timeout;

    JdbcScheduler(DataSource dataSource, ReadProperties properties) {
        int threads = dataSource instanceof HikariDataSource hikari ? hikari.getMaximumPoolSize() : 10;
        this.scheduler = Schedulers.newBoundedElastic(threads, properties.queueSize(), "jdbc-read");
        this.timeout = properties.timeout();
    }

    /**
     * Runs a query off the event loop. A database that is away, waking up or saturated is a 503 the
     * client may retry, never a 500: the data is fine, only out of reach for now.
     */
    public <T> Mono<T> run(Callable<T> query) {
        return Mono.fromCallable(query)
                .subscribeOn(scheduler)
                .timeout(timeout)
                .onErrorMap(failure -> failure instanceof RejectedExecutionException || failure instanceof TimeoutException
                        || failure instanceof DataAccessResourceFailureException || failure instanceof TransientDataAccessException,
                        failure -> {
                            log.warn("read answered 503: {}", failure.toString());
                            return ProblemException.unavailable("The database is not reachable right now; retry shortly.", RETRY_AFTER);
                        });
    }

    @Override
    public void destroy() {
        scheduler.dispose();
    }
}
