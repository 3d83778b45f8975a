package dev.mcpstate.sidecar.server;

import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone sidecar reached under a DNS name: {@code --allowed-hosts} lets that name in, no other. */
class SidecarAllowedHostsIT {

    @TempDir
    Path dir;
    private SidecarServer server;

    @BeforeEach
    void start() throws Exception {
        server = SidecarServer.start(SidecarServerConfig.parse(Map.of(), "--port", "0", "--db",
                dir.resolve("sidecar.db").toString(), "--allowed-hosts", "sidecar.internal"), new MutableClock());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theListedHostNameIsServedAndAnotherGets403() throws Exception {
        assertThat(statusWithHost("sidecar.internal")).isEqualTo(200);
        assertThat(statusWithHost("rebound.evil.example")).isEqualTo(403);
        assertThat(statusWithHost("127.0.0.1")).as("loopback stays allowed").isEqualTo(200);
    }

    /** @return the status of an initialize sent with this Host header (the JDK's client cannot set Host) */
    private int statusWithHost(String host) throws Exception {
        byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.url().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + SidecarServerConfig.MCP_PATH + " HTTP/1.1\r\nHost: " + host
                    + ":" + server.url().getPort() + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return Integer.parseInt(reply.substring(9, 12));
        }
    }
}
