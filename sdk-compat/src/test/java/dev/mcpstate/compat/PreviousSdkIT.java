package dev.mcpstate.compat;

import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The integration tests this module runs from examples' test-jar run on the previous MCP Java SDK. */
class PreviousSdkIT {

    @Test
    void theSdkOnTheClasspathIsThePreviousOne() {
        String jar = McpSchema.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertThat(jar).endsWith("mcp-core-" + System.getProperty("mcp-sdk.previous.version") + ".jar");
    }
}
