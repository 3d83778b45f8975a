package dev.mcpstate.sidecar.server;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

class SqliteSidecarAuthorizationIT extends SidecarAuthorizationContract {

    @TempDir
    Path dir;

    @Override
    protected Map<String, String> backendEnvironment() {
        return Map.of("STATE_BACKEND", "sqlite", "DB_PATH", dir.resolve("sidecar.db").toString());
    }
}
