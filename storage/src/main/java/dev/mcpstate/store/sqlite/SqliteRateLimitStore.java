package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.RateLimitDecision;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.internal.TokenBucket;

import java.time.Clock;
import java.util.Objects;

/**
 * {@link RateLimitStore} in the table {@code rate_limits} ({@link SqliteSchema#RATE_LIMIT}) of the backend's file.
 * A take is one piece of work of the database's single writer ({@link SqliteDatabase#write}): read the bucket,
 * apply {@link TokenBucket#take}, write it back, and delete up to {@value #PURGE_BATCH} rows past their expiry —
 * inside the writer's {@code BEGIN IMMEDIATE} transaction, so it is atomic for every thread and every process on the
 * file, and it shares a group commit with the other writes waiting at that moment.
 *
 * <p>Thread-safe.
 */
final class SqliteRateLimitStore implements RateLimitStore {

    /** Most expired rows one take deletes: bounded work per write. */
    static final int PURGE_BATCH = 100;

    private record Row(double tokens, long at, long expiresAt) {
    }

    private final SqliteDatabase db;
    private final Clock clock;

    /**
     * Creates the table when missing.
     *
     * @throws StoreException when it cannot be created
     */
    SqliteRateLimitStore(SqliteDatabase db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        db.createComponent(SqliteSchema.RATE_LIMIT_COMPONENT, SqliteSchema.RATE_LIMIT_VERSION,
                SqliteSchema.RATE_LIMIT);
    }

    @Override
    public RateLimitDecision take(String key, int capacity, double refillPerSecond) {
        TokenBucket.check(key, capacity, refillPerSecond);
        long expiry = TokenBucket.idleExpiryMillis(capacity, refillPerSecond);
        return db.write("rate limit take", tx -> {
            long now = clock.millis();
            Row row = tx.first("SELECT tokens, at, expires_at FROM rate_limits WHERE bucket = ?",
                    rs -> new Row(rs.getDouble(1), rs.getLong(2), rs.getLong(3)), key)
                    .filter(r -> r.expiresAt() > now).orElse(null);
            TokenBucket.Take take = TokenBucket.take(row == null ? null : row.tokens(), row == null ? 0 : row.at(),
                    capacity, refillPerSecond, now);
            tx.update("INSERT INTO rate_limits (bucket, tokens, at, expires_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, at = excluded.at, "
                    + "expires_at = excluded.expires_at", key, take.tokens(), take.at(), now + expiry);
            tx.update("DELETE FROM rate_limits WHERE bucket IN (SELECT bucket FROM rate_limits "
                    + "WHERE expires_at <= ? LIMIT " + PURGE_BATCH + ")", now);
            return take.decision();
        });
    }
}
