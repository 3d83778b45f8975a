package dev.mcpstate.spring.internal;

import dev.mcpstate.spring.McpStateProperties;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

import java.util.Map;

/**
 * Makes Streamable HTTP Spring AI's MCP server protocol unless the application chose one: sets
 * {@code spring.ai.mcp.server.protocol=STREAMABLE} as a default property (the lowest precedence, so any
 * {@code application.properties}, environment variable or argument wins). Spring AI 2.0's own conditions fall back to
 * the SSE transport when the property is missing, and mcp-state wraps only Streamable HTTP. With
 * {@code mcp-state.enabled=false} it sets nothing.
 *
 * <p>Registered in {@code META-INF/spring.factories}; runs once per startup, after the configuration files are
 * read.
 */
public final class StreamableProtocolDefault implements EnvironmentPostProcessor {

    /** Spring AI's protocol property. */
    public static final String PROTOCOL = "spring.ai.mcp.server.protocol";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getProperty(McpStateProperties.PREFIX + ".enabled", Boolean.class, true)) {
            DefaultPropertiesPropertySource.addOrMerge(Map.of(PROTOCOL, "STREAMABLE"),
                    environment.getPropertySources());
        }
    }
}
