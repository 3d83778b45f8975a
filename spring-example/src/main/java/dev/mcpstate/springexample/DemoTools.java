package dev.mcpstate.springexample;

import dev.mcpstate.interceptor.InterceptorConfig;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.annotation.McpToolParam;
import org.springframework.ai.mcp.annotation.context.McpSyncRequestContext;
import org.springframework.stereotype.Component;

import java.util.concurrent.locks.LockSupport;

/**
 * The example's tools, as Spring AI {@code @McpTool} methods; they behave like the Jetty example's tools of the same
 * names: {@code echo(text)}, {@code slow_count(count, interval_ms)} (an SSE response stream with one progress
 * notification — when the request carries a progress token — and one logging notification per step) and
 * {@code whoami()}. Stateless and thread-safe.
 */
@Component
public class DemoTools {

    /** Largest {@code count} that {@code slow_count} accepts. */
    public static final int MAX_COUNT = 10_000;
    /** Largest {@code interval_ms} that {@code slow_count} accepts: 1 minute. */
    public static final int MAX_INTERVAL_MS = 60_000;

    private final String nodeId;

    /** @param config the session filter's settings, for this node's id; not null */
    public DemoTools(InterceptorConfig config) {
        this.nodeId = config.nodeId();
    }

    /** @return {@code text}, unchanged */
    @McpTool(name = "echo", description = "Returns the given text unchanged.")
    public String echo(@McpToolParam(description = "Text to return") String text) {
        return text;
    }

    /**
     * Counts from 1 to {@code count}, {@code interval_ms} apart, with a progress and a logging notification per
     * step.
     *
     * @return {@code counted <count>}, or an error result when an argument is out of range
     */
    @McpTool(name = "slow_count", description = "Counts from 1 to count, one progress and one logging notification "
            + "per step, interval_ms apart, then returns 'counted <count>'.")
    public CallToolResult slowCount(McpSyncRequestContext context,
            @McpToolParam(description = "Steps to count, 0 to 10000") Integer count,
            @McpToolParam(description = "Milliseconds between steps, 0 to 60000", required = false)
            Integer interval_ms) {
        int interval = interval_ms == null ? 0 : interval_ms;
        if (count == null || count < 0 || count > MAX_COUNT) {
            return error("slow_count needs an integer 'count' from 0 to " + MAX_COUNT);
        }
        if (interval < 0 || interval > MAX_INTERVAL_MS) {
            return error("slow_count needs an integer 'interval_ms' from 0 to " + MAX_INTERVAL_MS);
        }
        Object token = context.request().progressToken();
        for (int i = 1; i <= count; i++) {
            String step = "step " + i + " of " + count;
            if (token != null) {
                context.exchange().progressNotification(new ProgressNotification(token, (double) i,
                        (double) count, step, null));
            }
            context.exchange().loggingNotification(LoggingMessageNotification.builder(LoggingLevel.INFO, step)
                    .logger("slow_count").build());
            if (interval > 0 && i < count) {
                LockSupport.parkNanos(interval * 1_000_000L);
            }
        }
        return CallToolResult.builder().addTextContent("counted " + count).isError(false).build();
    }

    /** @return {@code session=<the session id as the server sees it> node=<this node's id>} */
    @McpTool(name = "whoami", description = "Returns the MCP session id as the server sees it and the id of the "
            + "node serving the call.")
    public String whoami(McpSyncRequestContext context) {
        return "session=" + context.sessionId() + " node=" + nodeId;
    }

    private static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
