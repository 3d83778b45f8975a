package dev.mcpstate.interceptor.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/**
 * The Prometheus scrape endpoint of a {@link PrometheusMeterRegistry}: mount it at {@code /metrics}, outside the MCP
 * endpoint. {@code GET} answers the registry's meters in the Prometheus text format (0.0.4), or in OpenMetrics 1.0
 * when the {@code Accept} header asks for {@code application/openmetrics-text}; {@code name[]} query parameters
 * restrict the answer to those metric families (names without {@code _total}, {@code _count}...), as Prometheus' own
 * exporters do. Responses are
 * {@code Cache-Control: no-store}. The registry writes the text ({@link PrometheusMeterRegistry#scrape}); this class
 * only picks the format.
 *
 * <p>Needs {@code io.micrometer:micrometer-registry-prometheus} on the class path (an optional dependency of
 * interceptor-core, a dependency of jetty-integration). Thread-safe.
 */
public final class PrometheusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** The Prometheus text format. */
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** OpenMetrics 1.0. */
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final transient PrometheusMeterRegistry registry;

    /** @param registry the registry to serve; not null */
    public PrometheusServlet(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry must not be null");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String accept = req.getHeader("Accept");
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
        String[] names = req.getParameterValues("name[]");
        resp.setStatus(200);
        resp.setContentType(type);
        resp.setHeader("Cache-Control", "no-store");
        if (names == null) {
            registry.scrape(resp.getOutputStream(), type);
        } else {
            registry.scrape(resp.getOutputStream(), type, Set.of(names));
        }
    }
}
