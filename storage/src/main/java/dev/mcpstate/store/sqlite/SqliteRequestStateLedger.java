package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.internal.LedgerIds;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * {@link RequestStateLedger} in the table {@code request_states} ({@link SqliteSchema#REQUEST_STATE}) of the
 * backend's file. A claim is one piece of work of the database's single writer: drop the id's row when it expired,
 * {@code INSERT OR IGNORE} it, and delete up to {@value #PURGE_BATCH} other expired rows — inside the writer's
 * {@code BEGIN IMMEDIATE} transaction, so it is atomic for every thread and every process on the file.
 *
 * <p>The {@linkplain #sharedKey() shared key} is the one row of {@code request_state_key}, inserted once by whichever
 * writer comes first ({@code INSERT OR IGNORE}) and read back in the same transaction.
 *
 * <p>Thread-safe.
 */
final class SqliteRequestStateLedger implements RequestStateLedger {

    /** Most expired rows one claim deletes: bounded work per write. */
    static final int PURGE_BATCH = 100;

    private final SqliteDatabase db;
    private final Clock clock;

    /**
     * Creates the table when missing.
     *
     * @throws StoreException when it cannot be created
     */
    SqliteRequestStateLedger(SqliteDatabase db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        db.createComponent(SqliteSchema.REQUEST_STATE_COMPONENT, SqliteSchema.REQUEST_STATE_VERSION,
                SqliteSchema.REQUEST_STATE);
    }

    @Override
    public boolean claim(String id, Instant expiresAt) {
        LedgerIds.check(id, expiresAt);
        long until = expiresAt.toEpochMilli();
        return db.write("request state claim", tx -> {
            long now = clock.millis();
            if (until <= now) {
                return false;
            }
            tx.update("DELETE FROM request_states WHERE id = ? AND expires_at <= ?", id, now);
            int inserted = tx.update("INSERT OR IGNORE INTO request_states (id, expires_at) VALUES (?, ?)", id,
                    until);
            tx.update("DELETE FROM request_states WHERE id IN (SELECT id FROM request_states "
                    + "WHERE expires_at <= ? LIMIT " + PURGE_BATCH + ")", now);
            return inserted == 1;
        });
    }

    @Override
    public String sharedKey() {
        String drawn = LedgerIds.newSharedKey();
        return db.write("request state key", tx -> {
            tx.update("INSERT OR IGNORE INTO request_state_key (only_row, key) VALUES (1, ?)", drawn);
            return tx.strings("SELECT key FROM request_state_key WHERE only_row = 1").get(0);
        });
    }
}
