package dev.mcpstate.sidecar.server;

import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.Storage;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * The sidecar tools served over stdin/stdout (one client, newline-delimited JSON-RPC). Nothing but protocol
 * messages is written to the output stream; logs go to stderr.
 *
 * <p>stdio has no authentication, so the one client is anonymous and works on the anonymous tenant. Its
 * {@code sidecar_reset} is refused unless {@code --allow-reset} is given, as over HTTP: the process is usually
 * started by the one local user who owns the state, but the storage may be a Redis or a file shared with other
 * sidecars, and the caller is a model that can be talked into a reset. With the flag it wipes the anonymous tenant
 * only, never a named principal's state.
 */
public final class SidecarStdio {

    private SidecarStdio() {
    }

    /**
     * Serves until the input reaches end of stream, then closes the server and the store.
     *
     * @param config the configuration; not null
     * @param clock the store's time source; not null
     * @param in where requests arrive (normally {@code System.in}); not null
     * @param out where responses go (normally {@code System.out}); not null
     * @param ready called once the server is ready
     * @throws InterruptedException when interrupted while serving
     */
    public static void serve(SidecarServerConfig config, Clock clock, InputStream in, OutputStream out,
            Runnable ready) throws InterruptedException {
        CountDownLatch endOfInput = new CountDownLatch(1);
        InputStream watched = new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return signal(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return signal(super.read(b, off, len));
            }

            private int signal(int n) {
                if (n < 0) {
                    endOfInput.countDown();
                }
                return n;
            }
        };
        try (Storage storage = Storage.open(config.storage(), clock)) {
            SidecarStore store = storage.sidecar();
            StdioServerTransportProvider transport =
                    new StdioServerTransportProvider(McpJsonDefaults.getMapper(), watched, out);
            McpSyncServer server = SidecarServer.buildMcpServer(McpServer.sync(transport), store, config.options());
            try {
                ready.run();
                endOfInput.await();
            } finally {
                server.closeGracefully();
            }
        }
    }
}
