package dev.mcpstate.benchmarks;

import dev.mcpstate.interceptor.internal.capture.CachedBodyRequest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The physical limit of a durable-before-send design, as an anchor: the bare SDK server plus exactly one synchronous
 * store write on the critical path of every call, and nothing else (no session check, no event ids, no capture). The
 * write is the POSTed message itself, before the SDK runs. Two variants: one {@code XADD} to Redis (Lettuce, one
 * shared connection), or one SQLite insert and commit (WAL, {@code synchronous=NORMAL}, one connection).
 */
abstract class FloorFilter implements Filter, AutoCloseable {

    @Override
    public final void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String session = request.getHeader("Mcp-Session-Id");
        if ("POST".equals(request.getMethod()) && session != null) {
            byte[] body = request.getInputStream().readAllBytes();
            write(session, new String(body, StandardCharsets.UTF_8));
            chain.doFilter(new CachedBodyRequest(request, body), res); // the filter's own re-reader
            return;
        }
        chain.doFilter(req, res);
    }

    /** The one synchronous write of a call. */
    abstract void write(String session, String message) throws IOException;

    /** {@code XADD floor:{<session>} * msg <message>}, waiting for the reply. */
    static FloorFilter redis(String url) {
        RedisClient client = RedisClient.create(url);
        StatefulRedisConnection<String, String> connection = client.connect();
        RedisCommands<String, String> redis = connection.sync();
        return new FloorFilter() {
            @Override
            void write(String session, String message) {
                redis.xadd("floor:{" + session + "}", "msg", message);
            }

            @Override
            public void close() {
                connection.close();
                client.shutdown();
            }
        };
    }

    /** {@code INSERT INTO floor ...} and commit, on one WAL connection. */
    static FloorFilter sqlite(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("CREATE TABLE IF NOT EXISTS floor (seq INTEGER PRIMARY KEY AUTOINCREMENT, session TEXT, msg TEXT)");
        }
        PreparedStatement insert = c.prepareStatement("INSERT INTO floor (session, msg) VALUES (?, ?)");
        return new FloorFilter() {
            @Override
            synchronized void write(String session, String message) throws IOException {
                try {
                    insert.setString(1, session);
                    insert.setString(2, message);
                    insert.executeUpdate(); // auto-commit: one transaction per call
                } catch (SQLException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public void close() throws SQLException {
                c.close();
            }
        };
    }
}
