package dev.mcpstate.interceptor;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain order is defined once, in {@code Node}; {@code docs/ARCHITECTURE.md} shows it in the table of its
 * section "Request flow". This test keeps the two in agreement.
 */
class ChainOrderTest {

    private static final Path ARCHITECTURE = Path.of("..", "docs", "ARCHITECTURE.md");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*(\\d+)\\s*\\|\\s*`([A-Za-z]+)`\\s*\\|.*\\|\\s*$");

    @Test
    void linksRunInTheOrderTheArchitectureDocumentLists() throws IOException {
        List<String> documented = documentedLinks();
        MutableClock clock = new MutableClock();
        try (FilterHarness node = FilterHarness.on(Storage.open(StorageConfig.inMemory(), clock), clock)
                .config(c -> c.rateLimit(10, 10)).start()) {
            assertThat(node.filter().linkNames()).isEqualTo(documented);
        }
    }

    @Test
    void withRateLimitingOffItsLinkIsNotInTheChainAtAll() throws IOException {
        List<String> documented = new ArrayList<>(documentedLinks());
        documented.remove("RateLimiting");
        try (FilterHarness node = FilterHarness.inMemory()) {
            assertThat(node.filter().linkNames()).isEqualTo(documented);
        }
    }

    @Test
    void aFilterThatWasNotInitializedHasNoChainYet() {
        MutableClock clock = new MutableClock();
        HttpServletStreamableServerTransportProvider transport =
                HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        McpSyncServer server = McpServer.sync(transport).serverInfo("t", "1").build();
        try {
            McpStateFilter filter = new McpStateFilter(Storage.open(StorageConfig.inMemory(), clock), transport,
                    InterceptorConfig.builder().clock(clock).nodeId("t").build());
            assertThat(filter.linkNames()).isEmpty();
        } finally {
            server.closeGracefully();
        }
    }

    /** @return the link names of the "Request flow" table, in the order of its numbered rows */
    private static List<String> documentedLinks() throws IOException {
        List<String> lines = Files.readAllLines(ARCHITECTURE, StandardCharsets.UTF_8);
        int section = lines.indexOf("## Request flow");
        assertThat(section).as("section '## Request flow' in %s", ARCHITECTURE.toAbsolutePath()).isNotNegative();
        List<String> names = new ArrayList<>();
        int expectedNumber = 1;
        for (String line : lines.subList(section + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                assertThat(Integer.parseInt(row.group(1))).as("row number of %s", line).isEqualTo(expectedNumber++);
                names.add(row.group(2));
            }
        }
        assertThat(names).as("link rows in the 'Request flow' table").isNotEmpty();
        return names;
    }
}
