package dev.mcpstate.jetty.internal;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes a new connection at once when its client address holds {@code max} open connections already, so that one
 * address cannot take every connection (file descriptor) of the server; Jetty's own {@code NetworkConnectionLimit}
 * caps the total only. Added as a bean to a connector, it sees every connection that connector opens and closes.
 *
 * <p>The refused client sees its connection closed with no response: refusing before a request is read is what
 * keeps the refusal cheap. Addresses are compared as IP addresses, so every port of one host counts together; a
 * connection whose endpoint has no IP address (a local or Unix-domain one) is not counted, and a TLS connection once
 * (its network layer, not the decrypted one on top). One instance added to every connector of a server counts the
 * server's connections. Thread-safe.
 */
public final class PerAddressConnectionLimit implements Connection.Listener {

    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /**
     * The connections counted in {@link #open}, with their address (a closed endpoint no longer tells it); a refused
     * one is not counted, whether or not Jetty reports its close.
     */
    private final ConcurrentHashMap<Connection, InetAddress> counted = new ConcurrentHashMap<>();

    /** @param max most open connections of one client address; positive */
    public PerAddressConnectionLimit(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max connections per address must be positive, was: " + max);
        }
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection.getEndPoint() instanceof SslConnection.SslEndPoint) {
            return; // the decrypted layer of a TLS connection: its network layer is counted already
        }
        InetAddress address = addressOf(connection);
        if (address == null) {
            return;
        }
        boolean[] admitted = new boolean[1];
        open.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            admitted[0] = now < max;
            return admitted[0] ? now + 1 : now;
        });
        if (admitted[0]) {
            counted.put(connection, address);
        } else {
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
        }
    }

    private static InetAddress addressOf(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
