package dev.chatsync.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.chatsync.faults.inject.ApiKill;
import dev.chatsync.faults.inject.BrokerKill;
import dev.chatsync.faults.inject.ConnectionKill;
import dev.chatsync.faults.inject.Fault;
import dev.chatsync.faults.inject.GroupScaling;
import dev.chatsync.faults.inject.PersisterKill;
import dev.chatsync.faults.inject.PostgresOutage;
import dev.chatsync.faults.inject.SlowPostgres;

/**
 * How much to break: {@code short} runs inside {@code ./mvnw -B verify} (a few faults, a few minutes
 * with start-up on a 2-core machine), {@code long} every fault of issue 13 ({@code -Dfaults.profile=long}).
 */
enum Profile {

    SHORT(3, 3, Duration.ofSeconds(3), List.of(
            new PersisterKill(1),
            new ApiKill(),
            new ConnectionKill(3),
            new BrokerKill(Duration.ofSeconds(8)))),

    // Spaced so that each fault strikes a pipeline that ran undisturbed for a while and the run lasts
    // over 10 minutes however quickly the pipeline recovers.
    LONG(4, 3, Duration.ofSeconds(20), longFaults());

    final int users;
    final int devicesPerUser;
    /** How long the pipeline runs undisturbed after a fault's recovery, before the next fault. */
    final Duration calm;
    final List<Fault> faults;

    Profile(int users, int devicesPerUser, Duration calm, List<Fault> faults) {
        this.users = users;
        this.devicesPerUser = devicesPerUser;
        this.calm = calm;
        this.faults = faults;
    }

    static Profile selected() {
        String name = System.getProperty("faults.profile", "short");
        return valueOf((name.isBlank() ? "short" : name).toUpperCase(Locale.ROOT));
    }

    private static List<Fault> longFaults() {
        List<Fault> faults = new ArrayList<>();
        for (int round = 1; round <= 5; round++) {
            faults.add(new PersisterKill(round));
        }
        faults.add(new GroupScaling(Duration.ofSeconds(30)));
        faults.add(new ApiKill());
        faults.add(new PostgresOutage(Duration.ofSeconds(60)));
        faults.add(new ConnectionKill(5));
        faults.add(new BrokerKill(Duration.ofSeconds(20)));
        faults.add(new SlowPostgres(Duration.ofMillis(50), Duration.ofSeconds(45)));
        for (int round = 6; round <= 10; round++) {
            faults.add(new PersisterKill(round));
        }
        faults.add(new ApiKill());
        return List.copyOf(faults);
    }
}
