package dev.mcpstate.springexample;

import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.store.Storage;
import org.springframework.ai.mcp.server.common.autoconfigure.properties.McpServerStreamableHttpProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The Spring Boot example server ({@code mcp-state-spring-server.jar}): a Spring AI MCP server whose tools are the
 * {@code @McpTool} methods of {@link DemoTools} and the {@code @Tool} method of {@link TextTools}, made durable by the
 * mcp-state starter. Streamable HTTP at
 * {@code /mcp}; configured by Spring properties, e.g.
 *
 * <pre>
 * java -jar mcp-state-spring-server.jar --server.port=8080 --mcp-state.db=state.db
 * java -jar mcp-state-spring-server.jar --server.port=8081 --mcp-state.store=redis \
 *      --mcp-state.redis-url=redis://127.0.0.1:6379 --mcp-state.node-id=node-1
 * </pre>
 *
 * <p>Once it serves, it prints one line on standard output (logs go to standard error):
 * {@code mcp-state-spring-server ready: url=http://127.0.0.1:8080/mcp store=sqlite:state.db node=node-1}.
 */
@SpringBootApplication
public class McpStateSpringServer {

    /** The server's name, the first word of its ready line. */
    public static final String NAME = "mcp-state-spring-server";

    /** @param args Spring Boot arguments ({@code --name=value}) */
    public static void main(String[] args) {
        SpringApplication.run(McpStateSpringServer.class, args);
    }

    /** @return the {@code @Tool} methods of {@link TextTools}, which Spring AI serves as MCP tools */
    @Bean
    ToolCallbackProvider textTools() {
        return MethodToolCallbackProvider.builder().toolObjects(new TextTools()).build();
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> readyLine(Environment environment, Storage storage,
            InterceptorConfig config, McpServerStreamableHttpProperties http) {
        return event -> {
            int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
            String host = environment.getProperty("server.address", "127.0.0.1");
            if (host.equals("0.0.0.0")) {
                host = "127.0.0.1";
            } else if (host.contains(":")) {
                host = "[" + host + "]";
            }
            System.out.println(NAME + " ready: url=http://" + host + ":" + port + http.getMcpEndpoint()
                    + " store=" + storage.config() + " node=" + config.nodeId());
            System.out.flush();
        };
    }
}
