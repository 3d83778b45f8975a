package dev.mcpstate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a free TCP port on the loopback interface for a server that a test starts later (often in another
 * process), and that must keep its port across a restart.
 *
 * <p>Ports are picked <em>below</em> the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range},
 * else 32768): a port from inside that range, even one that was free a moment ago, can be taken by any outgoing
 * connection before the server binds it. Thread-safe.
 */
public final class FreePort {

    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 200;

    private FreePort() {
    }

    /**
     * Returns a port that was free on 127.0.0.1 a moment ago and is outside the ephemeral range.
     *
     * @return a port number in 10000..(start of the ephemeral range - 1)
     * @throws UncheckedIOException when no such port can be bound
     */
    public static int find() {
        int highest = ephemeralStart() - 1;
        IOException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                return port;
            } catch (IOException taken) {
                last = taken;
            }
        }
        throw new UncheckedIOException("no free port below " + (highest + 1) + " after " + ATTEMPTS + " tries", last);
    }

    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException notLinux) {
            return 32_768;
        }
    }
}
