package dev.mcpstate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds a free TCP port on the loopback interface. */
public final class FreePort {

    private FreePort() {
    }

    /**
     * Returns a port that was free on 127.0.0.1 a moment ago.
     *
     * @return a port number in 1..65535
     * @throws UncheckedIOException when no socket can be bound
     */
    public static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
