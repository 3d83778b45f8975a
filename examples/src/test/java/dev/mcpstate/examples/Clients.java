package dev.mcpstate.examples;

import dev.mcpstate.examples.client.McpHttpClient;

import java.net.URI;

/** How the integration tests open sessions with the project's client. */
final class Clients {

    /** The client capabilities the tests declare: the server may ask for elicitation and sampling. */
    static final String CAPABILITIES = "{\"elicitation\":{},\"sampling\":{}}";

    private Clients() {
    }

    /** @return a client with an open session (initialize + initialized) declaring {@link #CAPABILITIES} */
    static McpHttpClient session(URI url) {
        return new McpHttpClient(url).open("mcp-state-tests", CAPABILITIES);
    }
}
