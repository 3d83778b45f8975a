package dev.mcpstate.store.sidecar;

import java.time.Instant;

/**
 * A saved session context.
 *
 * @param sessionId the session id; never null
 * @param contextJson the context as JSON text; never null
 * @param savedAt when it was saved; never null
 */
public record SessionSnapshot(String sessionId, String contextJson, Instant savedAt) {
}
