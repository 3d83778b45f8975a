package dev.mcpstate.interceptor.internal.link;

import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;

import java.util.Locale;

/** Reads the wire names of MCP logging levels ({@code debug} ... {@code emergency}). Stateless. */
final class LoggingLevels {

    private LoggingLevels() {
    }

    /** @return the level named {@code name} on the wire, or null when {@code name} is null or no such level */
    static LoggingLevel parse(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        try {
            return LoggingLevel.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }
}
