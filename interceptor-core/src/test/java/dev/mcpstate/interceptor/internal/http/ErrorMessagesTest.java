package dev.mcpstate.interceptor.internal.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorMessagesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "Invalid message format: Cannot deserialize value of type `java.util.HashMap<java.lang.String,java.lang.Object>`",
        "Cannot construct instance of io.modelcontextprotocol.spec.McpSchema$JSONRPCRequest",
        "java.lang.NullPointerException",
        "NullPointerException: oops",
        "boom\n\tat dev.mcpstate.Foo.bar(Foo.java:1)",
        "Unexpected character at [Source: REDACTED; line: 1]"})
    void messagesNamingJavaInternalsAreUnsafe(String message) {
        assertThat(ErrorMessages.isSafe(message)).isFalse();
        assertThat(ErrorMessages.safe(message, -32602)).isEqualTo("Invalid params");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Unknown tool: invalid_tool_name", "Session not found", "Internal Error",
        "Client must be configured with sampling capabilities", "see api.example.com for details"})
    void plainMessagesAreKept(String message) {
        assertThat(ErrorMessages.isSafe(message)).isTrue();
        assertThat(ErrorMessages.safe(message, -32602)).isEqualTo(message);
    }

    @Test
    void anErrorResponseIsRewrittenOnlyWhenItNamesJavaInternals() {
        String clean = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\","
                + "\"data\":{\"method\":\"x\"}}}";
        assertThat(ErrorMessages.sanitizeResponse(clean)).isSameAs(clean);
        String result = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"text\":\"java.util.HashMap\"}}";
        assertThat(ErrorMessages.sanitizeResponse(result)).isSameAs(result);

        String leaky = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":"
                + "\"java.lang.IllegalStateException: x\",\"data\":\"at dev.Foo.bar(Foo.java:3)\\n\\tat dev.X\"}}";
        assertThat(ErrorMessages.sanitizeResponse(leaky))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}");
    }
}
