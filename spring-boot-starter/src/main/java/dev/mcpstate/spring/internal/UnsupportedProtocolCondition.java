package dev.mcpstate.spring.internal;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when Spring AI's MCP server would serve HTTP with a transport mcp-state cannot wrap: the server is
 * enabled, not stdio, and {@code spring.ai.mcp.server.protocol} is anything but {@code STREAMABLE} — {@code SSE},
 * {@code STATELESS}, or missing (Spring AI then picks SSE; {@link StreamableProtocolDefault} normally sets it).
 */
public final class UnsupportedProtocolCondition extends SpringBootCondition {

    /** Spring AI's protocol property. */
    public static final String PROTOCOL = StreamableProtocolDefault.PROTOCOL;

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment environment = context.getEnvironment();
        if (!environment.getProperty("spring.ai.mcp.server.enabled", Boolean.class, true)
                || environment.getProperty("spring.ai.mcp.server.stdio", Boolean.class, false)) {
            return ConditionOutcome.noMatch("Spring AI's MCP server serves no HTTP");
        }
        String protocol = environment.getProperty(PROTOCOL);
        if ("STREAMABLE".equalsIgnoreCase(protocol)) {
            return ConditionOutcome.noMatch(PROTOCOL + " is STREAMABLE");
        }
        return ConditionOutcome.match(PROTOCOL + " is " + protocol + ", which mcp-state does not wrap");
    }
}
