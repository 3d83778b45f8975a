package dev.mcpstate.interceptor.internal.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.interceptor.internal.chain.Exchange.MessageKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}   | INITIALIZE",
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\"}            | REQUEST",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}          | NOTIFICATION",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}                            | RESPONSE",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1,\"message\":\"x\"}} | RESPONSE",
        "[{\"jsonrpc\":\"2.0\",\"method\":\"a\"}]                                | OTHER",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"a\"}                         | ",
        "{\"id\":1,\"method\":\"a\"}                                             | ",
        "{\"jsonrpc\":\"2.0\",\"id\":1}                                          | ",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}                             | ",
        "[]                                                                      | ",
        "42                                                                      | "})
    void classifiesJsonRpcMessages(String json, MessageKind expected) throws Exception {
        assertThat(RequestBody.classify(JSON.readTree(json))).isEqualTo(expected);
    }
}
