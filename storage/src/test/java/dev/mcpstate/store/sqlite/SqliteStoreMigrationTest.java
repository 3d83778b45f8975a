package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file written by store version 1 (streams without a closing time) opens with version 2: the column and its index
 * are added, streams closed under version 1 go by the age of their events alone, streams closed from now on by their
 * closing time, and opening again changes nothing.
 */
class SqliteStoreMigrationTest {

    private static final long T0 = MutableClock.DEFAULT_START.toEpochMilli();

    /** The store tables exactly as version 1 created them, with a session and one closed stream of two events. */
    private static final List<String> VERSION_1 = List.of(
            "CREATE TABLE schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
            "CREATE TABLE sessions (session_id TEXT PRIMARY KEY, status TEXT NOT NULL, protocol_version TEXT, "
                    + "client_info TEXT, client_capabilities TEXT, initialize_params TEXT NOT NULL, principal TEXT, "
                    + "node_id TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, "
                    + "logging_level TEXT)",
            "CREATE TABLE streams (session_id TEXT NOT NULL, stream_id TEXT NOT NULL, kind TEXT, "
                    + "closed INTEGER NOT NULL DEFAULT 0, owner_node TEXT, opened_at INTEGER, "
                    + "last_seq INTEGER NOT NULL DEFAULT 0, event_count INTEGER NOT NULL DEFAULT 0, "
                    + "PRIMARY KEY (session_id, stream_id)) WITHOUT ROWID",
            "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, "
                    + "stream_id TEXT NOT NULL, direction TEXT NOT NULL, message TEXT NOT NULL, "
                    + "created_at INTEGER NOT NULL)",
            "CREATE INDEX events_by_stream ON events (session_id, stream_id, seq)",
            "CREATE INDEX events_by_age ON events (created_at)",
            "CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at)",
            "INSERT INTO schema_version VALUES ('store', 1)",
            "INSERT INTO sessions VALUES ('s1', 'ACTIVE', '2025-11-25', NULL, NULL, '{}', NULL, 'node-a', " + T0
                    + ", " + T0 + ", NULL)",
            "INSERT INTO streams VALUES ('s1', 'old', 'RESPONSE', 1, 'node-a', " + T0 + ", 2, 2)",
            "INSERT INTO events VALUES (1, 's1', 'old', 'CLIENT_TO_SERVER', '{\"id\":1}', " + T0 + "), "
                    + "(2, 's1', 'old', 'SERVER_TO_CLIENT', '{\"id\":1,\"result\":{}}', " + T0 + ")");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    @Test
    void versionOneStreamsGoByEventAgeAndStreamsClosedNowByTheirClosingTime() throws Exception {
        Path file = dir.resolve("v1.db");
        run(file, VERSION_1);

        try (Storage storage = Storage.open(StorageConfig.sqlite(file), clock)) {
            EventStore events = storage.events();
            events.openStream("s1", "new", StreamKind.RESPONSE, "node-a");
            events.appendAndClose("s1", "new", Direction.SERVER_TO_CLIENT, "{\"id\":2,\"result\":{}}");
            clock.advance(Duration.ofMinutes(20));

            Instant closedBefore = clock.instant().minus(Duration.ofMinutes(10));
            events.trim(Instant.ofEpochMilli(T0), closedBefore);

            assertThat(events.stream("s1", "new")).as("closed 20 minutes ago").isEmpty();
            assertThat(events.stream("s1", "old")).as("closed under version 1: no closing time").isPresent();
            assertThat(events.readAfter("s1", "old", EventId.START, 10)).hasSize(2);

            events.trim(Instant.ofEpochMilli(T0 + 1), closedBefore);

            assertThat(events.stream("s1", "old")).as("its events aged out, it goes whole").isEmpty();
        }

        assertThat(query(file, "SELECT version FROM schema_version WHERE component = 'store'")).containsExactly("2");
        assertThat(query(file, "SELECT name FROM pragma_table_info('streams') WHERE name = 'closed_at'")).hasSize(1);
        assertThat(query(file, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'streams'"))
                .contains("streams_by_closed_at");

        try (Storage again = Storage.open(StorageConfig.sqlite(file), clock)) {
            again.events().openStream("s1", "again", StreamKind.RESPONSE, "node-a");
            again.events().closeStream("s1", "again");
            assertThat(again.events().stream("s1", "again")).hasValueSatisfying(s -> assertThat(s.closed()).isTrue());
        }
    }

    private static void run(Path file, List<String> statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static List<String> query(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
