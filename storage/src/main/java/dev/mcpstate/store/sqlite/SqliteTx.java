package dev.mcpstate.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Statement helpers bound to one connection: the writer's (inside the current transaction) or a reader's. Values
 * bind with {@link PreparedStatement#setObject(int, Object)}: {@code String}, {@code Long}, {@code Integer} or null.
 *
 * <p>Prepared statements are kept per SQL text (the {@value #CACHED} used last), so a statement run again is not
 * compiled again: sqlite-jdbc compiles on every {@code prepareStatement} and keeps no cache of its own. A kept
 * statement is reset when its result set closes (or its update ends) and holds no read snapshot between uses; one
 * that failed is closed and compiled afresh next time. Not thread-safe: one thread at a time, as the
 * {@link SqliteDatabase} hands out its connections.
 */
final class SqliteTx implements AutoCloseable {

    /** The most prepared statements kept per connection. */
    static final int CACHED = 64;

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(CACHED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= CACHED) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    SqliteTx(Connection connection) {
        this.connection = connection;
    }

    /** @return the connection these helpers run on */
    Connection connection() {
        return connection;
    }

    /** Work on a kept statement, its parameters bound. */
    @FunctionalInterface
    private interface StatementWork<T> {
        T run(PreparedStatement ps) throws SQLException;
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        return run(sql, params, ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        });
    }

    <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    long count(String sql, Object... params) throws SQLException {
        return first(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    /** @return true when the table has that column; false too when there is no such table */
    boolean hasColumn(String table, String column) throws SQLException {
        return count("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?", table, column) > 0;
    }

    /** Runs a statement without parameters or results, e.g. {@code SAVEPOINT}. */
    void execute(String sql) throws SQLException {
        run(sql, NO_PARAMS, PreparedStatement::execute);
    }

    /** @return the first column of every row, as strings */
    List<String> strings(String sql, Object... params) throws SQLException {
        return query(sql, rs -> rs.getString(1), params);
    }

    /** @return the first column of the first row as a Long; null when there is no row or it holds NULL */
    Long firstLong(String sql, Object... params) throws SQLException {
        return run(sql, params, ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? nullableLong(rs, 1) : null;
            }
        });
    }

    int update(String sql, Object... params) throws SQLException {
        return run(sql, params, PreparedStatement::executeUpdate);
    }

    /**
     * Increments a named counter of a sidecar tenant (creating it at 1) and returns the new value.
     *
     * @param tenant the {@code tenant} column value: the tenant, {@code ''} for the anonymous tenant
     */
    long nextCounter(String tenant, String name) throws SQLException {
        return first("INSERT INTO sidecar_counters (tenant, name, value) VALUES (?, ?, 1) "
                + "ON CONFLICT (tenant, name) DO UPDATE SET value = value + 1 RETURNING value", rs -> rs.getLong(1),
                tenant, name).orElseThrow();
    }

    /**
     * Appends one entry to a sidecar tenant's history, under the tenant's next history id.
     *
     * @param tenant the {@code tenant} column value: the tenant, {@code ''} for the anonymous tenant
     */
    void history(String tenant, String key, String op, String newValue, String previousValue, String agentId,
            long now) throws SQLException {
        update("INSERT INTO sidecar_history (tenant, id, key, op, new_value, previous_value, agent_id, written_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tenant, nextCounter(tenant, "history"), key, op, newValue,
                previousValue, agentId, now);
    }

    private static final Object[] NO_PARAMS = {};

    /**
     * Runs work on the kept statement for the SQL (compiled when not kept), its parameters bound. When binding or
     * the work fails, the statement is closed and dropped: it is compiled afresh next time.
     */
    private <T> T run(String sql, Object[] params, StatementWork<T> work) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return work.run(ps);
        } catch (SQLException | RuntimeException e) {
            statements.remove(sql);
            closeQuietly(ps);
            throw e;
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException e) {
            // a statement that cannot be closed is released with its connection
        }
    }

    /** Closes every kept statement, then the connection. */
    @Override
    public void close() throws SQLException {
        statements.values().forEach(SqliteTx::closeQuietly);
        statements.clear();
        connection.close();
    }

    /** @return the column as a Long, null for SQL NULL */
    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** @return the column as a Long, null for SQL NULL */
    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
