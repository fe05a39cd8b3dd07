package dev.chatsync.persister.prune;

import java.time.Duration;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import dev.chatsync.persister.PersisterProperties;

/**
 * Runs {@link TombstonePruner} at start-up and then every {@code chatsync.persister.pruning.interval},
 * on Spring's scheduler thread: never on a consumer thread, so pruning never delays a batch. Registered
 * here rather than with {@code @Scheduled}, whose placeholders would repeat the interval's default.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class PruneScheduling implements SchedulingConfigurer {

    private final TombstonePruner pruner;
    private final Duration interval;

    PruneScheduling(TombstonePruner pruner, PersisterProperties properties) {
        this.pruner = pruner;
        this.interval = properties.pruning().interval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(pruner::pruneOnSchedule, interval, Duration.ZERO));
    }
}
