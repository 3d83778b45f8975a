package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** DNS rebinding protection and the other edge checks hold for every protocol era. */
class SecurityEdgeTest {

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock)
                .config(c -> c.allowedHosts(Set.of("mcp.example.com", "other.example.com:8443"))
                        .maxBodyBytes(1024))
                .start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private HttpResult initialize(String version, String extraHeader) {
        return node.send("""
                POST /mcp HTTP/1.1
                MCP-Protocol-Version: %s
                %s

                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"%s",
                 "capabilities":{},"clientInfo":{"name":"page","version":"1"}}}
                """.formatted(version, extraHeader, version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2026-07-28", "2030-01-01"})
    void aForeignHostGets403InEveryEra(String version) {
        HttpResult response = initialize(version, "Host: rebound.evil.example");

        response.assertJsonRpcError(403, -32004);
        assertThat(response.json().at("/error/message").asText()).contains("Host not allowed");
        assertThat(node.filter().localSessionIds()).as("nothing reached the SDK").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2026-07-28"})
    void aForeignOriginGets403InEveryEra(String version) {
        HttpResult response = initialize(version, "Origin: https://evil.example");

        response.assertJsonRpcError(403, -32004);
        assertThat(node.filter().localSessionIds()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:8080", "127.0.0.1:1", "[::1]:8080", "10.1.2.3",
        "mcp.example.com", "MCP.EXAMPLE.COM:80", "other.example.com:8443", "api.localhost"})
    void loopbackNamesIpLiteralsAndAllowedHostsPass(String host) {
        assertThat(initialize("2025-11-25", "Host: " + host).status()).as(host).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"other.example.com:9000", "mcp.example.com.evil.example", "localhost.evil.example"})
    void aHostIsMatchedExactlyAndWithItsPortWhenTheEntryHasOne(String host) {
        initialize("2025-11-25", "Host: " + host).assertJsonRpcError(403, -32004);
    }

    @Test
    void theBodyLimitHoldsForTheSessionlessEraToo() {
        HttpResult response = node.send("""
                POST /mcp HTTP/1.1
                MCP-Protocol-Version: 2026-07-28

                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"%s"}}}
                """.formatted("x".repeat(2000)));

        response.assertJsonRpcError(413, -32002);
    }

    @Test
    void sessionlessEraErrorBodiesNameNoJavaTypes() {
        HttpResult response = node.send("""
                POST /mcp HTTP/1.1
                MCP-Protocol-Version: 2026-07-28
                Mcp-Session-Id: not-a-session

                {"jsonrpc":"2.0","id":5,"method":"tools/list"}
                """);

        assertThat(response.status()).isGreaterThanOrEqualTo(400);
        assertThat(response.json().path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(response.body()).doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z]")
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("stackTrace");
    }

    @Test
    void wrongAcceptGets406() {
        String session = node.initialize();

        node.send("""
                POST /mcp HTTP/1.1
                Accept: application/json
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":2,"method":"tools/list"}
                """.formatted(session)).assertJsonRpcError(406, -32000);
        node.send("""
                GET /mcp HTTP/1.1
                Accept: application/json
                Mcp-Session-Id: %s

                """.formatted(session)).assertJsonRpcError(406, -32000);
    }
}
