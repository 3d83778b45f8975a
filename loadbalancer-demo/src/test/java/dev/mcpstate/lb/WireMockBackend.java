package dev.mcpstate.lb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.net.URI;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mcpstate.testing.FreePort;

/**
 * A WireMock server on a fixed loopback port, for backends that fail, stall or come and go. It keeps
 * its port across {@link #stop()} and {@link #start()}, and every start applies the same stubs: by
 * default any request gets {@code 200} with {@code Mcp-State-Node: <name>} and a small JSON body; a test
 * adds stubs (faults, delays, health answers) with {@link #stubs}, which later stubs override.
 */
final class WireMockBackend implements AutoCloseable {

    private final String name;
    private final int port = FreePort.find();
    private final Consumer<WireMockServer> stubs;
    private WireMockServer server;

    private WireMockBackend(String name, Consumer<WireMockServer> stubs) {
        this.name = name;
        this.stubs = stubs;
    }

    /** Starts a backend named {@code name}; {@code stubs} are applied after the default 200 stub. */
    static WireMockBackend start(String name, Consumer<WireMockServer> stubs) {
        WireMockBackend backend = new WireMockBackend(name, stubs);
        backend.start();
        return backend;
    }

    /** (Re)starts the server on its port with the stubs. */
    synchronized void start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(port).containerThreads(8));
        server.start();
        defaultStub(server, name);
        stubs.accept(server);
    }

    /** Adds the default stub: any request gets {@code 200} with {@code Mcp-State-Node: <name>}, at priority 10. */
    static void defaultStub(WireMockServer server, String name) {
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("Mcp-State-Node", name)
                .withBody("{\"node\":\"" + name + "\"}")));
    }

    /** Stops the server: connections to its port are refused until {@link #start()}. */
    synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Returns the running server, for more stubs or for its request journal. */
    synchronized WireMockServer server() {
        return server;
    }

    /** Returns how many requests the running server received since it (re)started. */
    synchronized int requestCount() {
        return server.getAllServeEvents().size();
    }

    String name() {
        return name;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        stop();
    }
}
