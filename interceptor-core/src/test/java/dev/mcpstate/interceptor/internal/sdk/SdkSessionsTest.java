package dev.mcpstate.interceptor.internal.sdk;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guards the MCP Java SDK internals that admission depends on. When an SDK upgrade moves them, this test fails
 * first and says which field: then update {@link SdkSessions}, and only it.
 */
class SdkSessionsTest {

    private static final String PARAMS = "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"sampling\":{}},"
            + "\"clientInfo\":{\"name\":\"persisted-client\",\"version\":\"9\"}}";

    private final HttpServletStreamableServerTransportProvider transport =
            HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
    private McpSyncServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.closeGracefully();
        }
    }

    @Test
    void admittedSessionKeepsThePersistedIdAndClientInfo() {
        server = McpServer.sync(transport).serverInfo("t", "1").tools(SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("noop").inputSchema(McpJsonDefaults.getMapper(),
                        "{\"type\":\"object\"}").build())
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder().build()).build()).build();
        SdkSessions sessions = new SdkSessions(transport, McpJsonDefaults.getMapper());

        McpStreamableServerSession admitted = sessions.admit("persisted-id-1", PARAMS);

        assertThat(admitted.getId()).isEqualTo("persisted-id-1");
        assertThat(sessions.contains("persisted-id-1")).isTrue();
        assertThat(sessions.get("persisted-id-1")).isSameAs(admitted);
        assertThat(sessions.admit("persisted-id-1", PARAMS)).as("admission is idempotent").isSameAs(admitted);
        assertThat(sessions.ids()).containsExactly("persisted-id-1");

        sessions.evict("persisted-id-1");
        assertThat(sessions.contains("persisted-id-1")).isFalse();
    }

    @Test
    void admissionBeforeTheServerIsBuiltFailsWithAPlainMessage() {
        SdkSessions sessions = new SdkSessions(transport, McpJsonDefaults.getMapper());
        assertThatThrownBy(() -> sessions.admit("x", PARAMS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("McpServer.sync(transport)");
    }

    @Test
    void theSdkVersionOnTheClasspathIsKnownForTheStartupMessage() {
        assertThat(SdkSessions.sdkVersion()).matches("2\\.[0-2]\\.\\d+.*");
    }

    @Test
    void anSdkWithoutAnExpectedFieldFailsWithAMessageNamingVersionFieldAndSupportedRange() {
        assertThatThrownBy(() -> SdkSessions.field(McpStreamableServerSession.class, "noSuchRegistry",
                Object.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MCP Java SDK " + SdkSessions.sdkVersion() + " is not supported")
                .hasMessageContaining(McpStreamableServerSession.class.getName() + ".noSuchRegistry")
                .hasMessageContaining(SdkSessions.SUPPORTED_SDK_VERSIONS);
    }

    @Test
    void aFieldOfAnotherTypeThanExpectedFailsAtStartupNotWithAClassCastLater() {
        assertThatThrownBy(() -> SdkSessions.field(HttpServletStreamableServerTransportProvider.class, "sessions",
                java.time.Duration.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not supported").hasMessageContaining(".sessions is a ");
    }

    @Test
    void anSdkWithoutTheExpectedSessionConstructorFailsWithAPlainMessage() {
        assertThatThrownBy(() -> SdkSessions.requireConstructor(McpStreamableServerSession.class, String.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not supported")
                .hasMessageContaining("constructor");
    }

    @Test
    void everyInternalIsResolvedWhenTheFilterStartsNotAtTheFirstAdmission() {
        // no server built yet: the registry and the factory's members resolve all the same, only admission waits
        assertThatCode(() -> new SdkSessions(transport, McpJsonDefaults.getMapper())).doesNotThrowAnyException();
    }
}
