package dev.mcpstate.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Statement helpers bound to one connection: the writer's (inside the current transaction) or a reader's. Values
 * bind with {@link PreparedStatement#setObject(int, Object)}: {@code String}, {@code Long}, {@code Integer} or null.
 * Not thread-safe.
 */
final class SqliteTx {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Connection connection;

    SqliteTx(Connection connection) {
        this.connection = connection;
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        }
    }

    <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    long count(String sql, Object... params) throws SQLException {
        return first(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    /** Runs a statement without parameters or results, e.g. {@code SAVEPOINT}. */
    void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** @return the first column of every row, as strings */
    List<String> strings(String sql, Object... params) throws SQLException {
        return query(sql, rs -> rs.getString(1), params);
    }

    /** @return the first column of the first row as a Long; null when there is no row or it holds NULL */
    Long firstLong(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? nullableLong(rs, 1) : null;
        }
    }

    int update(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params)) {
            return ps.executeUpdate();
        }
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

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
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
