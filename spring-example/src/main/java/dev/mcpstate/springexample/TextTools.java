package dev.mcpstate.springexample;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * A tool written the other Spring AI way, as a {@code @Tool} method that a {@code ToolCallbackProvider} bean hands to
 * the MCP server ({@link McpStateSpringServer#textTools()}): {@code reverse(text)}. It passes the session filter like
 * the {@code @McpTool} methods of {@link DemoTools}. Stateless and thread-safe.
 */
public class TextTools {

    /** @return {@code text} with its characters in reverse order */
    @Tool(name = "reverse", description = "Returns the given text with its characters in reverse order.")
    public String reverse(@ToolParam(description = "Text to reverse") String text) {
        return new StringBuilder(text).reverse().toString();
    }
}
