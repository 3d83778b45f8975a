package dev.mcpstate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.store.internal.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client from outside the project — the TypeScript SDK's {@code @modelcontextprotocol/client} from npm, run by
 * {@code scripts/node-client.sh} — talks to the example server in both protocol eras on one endpoint: it negotiates
 * 2026-07-28 by itself ({@code server/discover}) and calls tools, then a client of the default era initializes and
 * calls the same tools; once on one node directly, once through the round-robin load balancer over three Redis
 * nodes, where the calls of the era without sessions land on several nodes.
 *
 * <p>Where npm or its registry is unreachable the script exits with 3 and the test is reported as skipped, with the
 * reason.
 */
class OutsideClientIT {

    private static final Path SCRIPT = Path.of("..").toAbsolutePath().normalize().resolve("scripts/node-client.sh");
    private static final int CLIENT_UNAVAILABLE = 3;
    private static final int CALLS = 6;

    @TempDir
    static Path dir;
    private static LbCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LbCluster.start(dir, 3, InterceptorConfig.builder().build());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    /** @return the script's JSON line: {@code {"modern": {...}, "legacy": {...}}} */
    private static JsonNode runClient(URI url) throws Exception {
        Path out = Files.createTempFile(dir, "node-client", ".out");
        Process run = new ProcessBuilder(List.of("bash", SCRIPT.toString(), url.toString(), Integer.toString(CALLS)))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean finished = run.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            run.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(finished).as("the client finished within 4 minutes:%n%s", output).isTrue();
        if (run.exitValue() == CLIENT_UNAVAILABLE) {
            System.out.println("OutsideClientIT skipped: " + output.strip());
            Assumptions.abort("the npm client cannot be installed here (npm or its registry): " + output.strip());
        }
        assertThat(run.exitValue()).as(output).isZero();
        String line = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("");
        JsonNode result = Json.parseOrNull(line);
        assertThat(result).as(output).isNotNull();
        return result;
    }

    private static Set<String> nodesOf(JsonNode era) {
        Set<String> nodes = new HashSet<>();
        era.path("whoami").forEach(w -> nodes.add(w.asText().replaceAll(".*node=", "")));
        return nodes;
    }

    private static void assertBothEras(JsonNode result) {
        JsonNode modern = result.path("modern");
        assertThat(modern.path("era").asText()).isEqualTo("modern");
        assertThat(modern.path("version").asText()).isEqualTo("2026-07-28");
        assertThat(modern.path("echo").asText()).isEqualTo("hello from node");
        assertThat(modern.path("whoami").get(0).asText()).as("no session in that era").startsWith("session=null");
        JsonNode legacy = result.path("legacy");
        assertThat(legacy.path("era").asText()).isEqualTo("legacy");
        assertThat(legacy.path("version").asText()).isEqualTo("2025-11-25");
        assertThat(legacy.path("echo").asText()).isEqualTo("hello from node");
        assertThat(modern.path("server").asText()).isEqualTo(legacy.path("server").asText());
        List<String> modernTools = new ArrayList<>();
        modern.path("tools").forEach(t -> modernTools.add(t.asText()));
        List<String> legacyTools = new ArrayList<>();
        legacy.path("tools").forEach(t -> legacyTools.add(t.asText()));
        assertThat(modernTools).as("each tool defined once, listed in both eras").isEqualTo(legacyTools)
                .contains("echo", "whoami", "state_set");
    }

    @Test
    void theNpmClientSpeaksBothErasToOneNode() throws Exception {
        JsonNode result = runClient(cluster.nodes().get(0).uri());

        assertBothEras(result);
        assertThat(nodesOf(result.path("modern"))).containsExactly("node-1");
    }

    @Test
    void theNpmClientSpeaksBothErasThroughTheLoadBalancer() throws Exception {
        JsonNode result = runClient(cluster.lb());

        assertBothEras(result);
        assertThat(nodesOf(result.path("modern"))).as("round robin: requests without sessions land anywhere")
                .hasSizeGreaterThan(1);
        assertThat(result.at("/legacy/whoami/0").asText().replaceAll(" node=.*", ""))
                .as("the legacy session is the same on every node")
                .isEqualTo(result.at("/legacy/whoami/" + (CALLS - 1)).asText().replaceAll(" node=.*", ""));
    }
}
