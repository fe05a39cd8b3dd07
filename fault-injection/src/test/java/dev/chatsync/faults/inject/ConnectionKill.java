package dev.chatsync.faults.inject;

import java.sql.SQLException;

import dev.chatsync.faults.processes.Pipeline;

/**
 * Every persister connection ended from the server side (pg_terminate_backend), a few times in a row so
 * that some land inside a batch's transaction: what a pooler restart or an administrator does.
 */
public record ConnectionKill(int times) implements Fault {

    @Override
    public String name() {
        return "pg_terminate_backend ×" + times;
    }

    @Override
    public void inject(Pipeline pipeline) throws SQLException, InterruptedException {
        int ended = 0;
        for (int i = 0; i < times; i++) {
            ended += pipeline.postgres().terminate(Pipeline.PERSISTER_CONNECTIONS);
            Thread.sleep(700);
        }
        if (ended == 0) {
            throw new IllegalStateException("no persister connection to end: the fault would prove nothing");
        }
    }
}
