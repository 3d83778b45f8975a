package dev.mcpstate.spring.internal;

import dev.mcpstate.spring.McpStateProperties;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Keeps Spring AI's WebMVC Streamable HTTP transport
 * ({@code McpServerStreamableHttpWebMvcAutoConfiguration}: a {@code WebMvcStreamableServerTransportProvider} and
 * its router function) out of the application while mcp-state is enabled, because the starter serves the MCP
 * endpoint with the SDK's servlet ({@code HttpServletStreamableServerTransportProvider}) behind the session filter
 * instead. The filter admits stored sessions into its SDK transport under their original ids, which needs that
 * transport's session registry and session factory; Spring AI's WebMVC transport is another class
 * ({@code mcp-spring-webmvc}) whose internals the filter does not know.
 *
 * <p>Registered in {@code META-INF/spring.factories}; Spring Boot asks it once per startup. With
 * {@code mcp-state.enabled=false} it vetoes nothing. Not thread-safe (Spring calls it from one thread).
 */
public final class SpringAiTransportVeto implements AutoConfigurationImportFilter, EnvironmentAware {

    /** The auto-configuration this filter vetoes. */
    public static final String SPRING_AI_STREAMABLE_WEBMVC =
            "org.springframework.ai.mcp.server.webmvc.autoconfigure.McpServerStreamableHttpWebMvcAutoConfiguration";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean enabled = environment == null
                || environment.getProperty(McpStateProperties.PREFIX + ".enabled", Boolean.class, true);
        boolean[] matches = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < autoConfigurationClasses.length; i++) {
            matches[i] = !(enabled && SPRING_AI_STREAMABLE_WEBMVC.equals(autoConfigurationClasses[i]));
        }
        return matches;
    }
}
