package dev.mcpstate.interceptor.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpstate.store.internal.Json;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Liveness and readiness for load balancers and orchestrators, outside the MCP endpoint: mount it at
 * {@code /health/*} (no MCP session, no bearer token; {@code McpStateJetty.mountOperations} does).
 *
 * <ul>
 *   <li>{@code GET /health/live}: {@code 200 {"status":"UP"}} while the process serves HTTP.</li>
 *   <li>{@code GET /health/ready}: {@code 200 {"status":"UP","checks":{"store":"UP"}}} when every check passes, else
 *       {@code 503 {"status":"DOWN","checks":{"store":"DOWN", ...}}} naming the failing ones. The checks run at most
 *       once per {@link Builder#cacheFor cache period} (default {@value #DEFAULT_CACHE_MILLIS} ms), so frequent
 *       probes do not hammer the store; concurrent probes share one run.</li>
 *   <li>{@code HEAD} answers like {@code GET} without a body; other paths {@code 404}, other methods {@code 405}.</li>
 * </ul>
 * Bodies never say why a check failed (the reason may name hosts, ports or files): each change of a check's state is
 * logged instead, a failure at WARN with its cause. Responses are {@code Cache-Control: no-store}.
 *
 * <p>Thread-safe.
 */
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(HealthServlet.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9_.-]{1,64}");

    /** How long a readiness result is reused unless configured, in milliseconds: 1 s. */
    public static final long DEFAULT_CACHE_MILLIS = 1000;

    /** One readiness check: returns when the dependency serves, throws when it does not. */
    @FunctionalInterface
    public interface Check {
        /**
         * @throws Exception when the dependency cannot serve now (e.g. {@code StoreException} from
         *                   {@code Storage.check()})
         */
        void run() throws Exception;
    }

    private final transient Map<String, Check> checks;
    private final long cacheNanos;
    private transient Result cached;
    private transient long cachedAt;
    private final transient Map<String, Boolean> lastUp = new LinkedHashMap<>();

    private HealthServlet(Builder b) {
        this.checks = Collections.unmodifiableMap(new TreeMap<>(b.checks)); // the body lists them sorted
        this.cacheNanos = b.cache.toNanos();
    }

    /** @return a builder without checks (then ready is always 200) and a 1 s cache */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo();
        if ("/live".equals(path)) {
            send(resp, 200, Json.MAPPER.createObjectNode().put("status", "UP"), true);
        } else if ("/ready".equals(path)) {
            Result result = ready();
            send(resp, result.up() ? 200 : 503, result.body(), true);
        } else {
            send(resp, 404, Json.MAPPER.createObjectNode().put("status", "NOT_FOUND"), true);
        }
    }

    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo();
        int status = "/live".equals(path) ? 200 : "/ready".equals(path) ? (ready().up() ? 200 : 503) : 404;
        send(resp, status, null, false);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        if ("GET".equals(method)) {
            doGet(req, resp);
        } else if ("HEAD".equals(method)) {
            doHead(req, resp);
        } else {
            resp.setHeader("Allow", "GET, HEAD");
            send(resp, 405, Json.MAPPER.createObjectNode().put("status", "METHOD_NOT_ALLOWED"), true);
        }
    }

    /** @return the readiness result, from the cache when it is fresh; runs the checks otherwise */
    private synchronized Result ready() {
        long now = System.nanoTime();
        if (cached != null && now - cachedAt < cacheNanos) {
            return cached;
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode states = Json.MAPPER.createObjectNode();
        boolean allUp = true;
        for (Map.Entry<String, Check> check : checks.entrySet()) {
            boolean up = run(check.getKey(), check.getValue());
            states.put(check.getKey(), up ? "UP" : "DOWN");
            allUp &= up;
        }
        body.put("status", allUp ? "UP" : "DOWN");
        body.set("checks", states);
        cached = new Result(allUp, body);
        cachedAt = System.nanoTime();
        return cached;
    }

    private boolean run(String name, Check check) {
        boolean up;
        Exception cause = null;
        try {
            check.run();
            up = true;
        } catch (Exception e) {
            up = false;
            cause = e;
        }
        Boolean before = lastUp.put(name, up);
        if (before == null || before != up) {
            if (up) {
                log.info("readiness check up: check={}", name);
            } else {
                log.warn("readiness check down: check={} cause={}", name, String.valueOf(cause));
            }
        }
        return up;
    }

    private static void send(HttpServletResponse resp, int status, ObjectNode body, boolean withBody)
            throws IOException {
        resp.setStatus(status);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("application/json");
        resp.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (body != null && withBody) {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
            resp.setContentLength(bytes.length);
            resp.getOutputStream().write(bytes);
        }
    }

    private record Result(boolean up, ObjectNode body) {
    }

    /** Builds a {@link HealthServlet}; not thread-safe. */
    public static final class Builder {
        private final Map<String, Check> checks = new LinkedHashMap<>();
        private Duration cache = Duration.ofMillis(DEFAULT_CACHE_MILLIS);

        private Builder() {
        }

        /**
         * Adds a readiness check.
         *
         * @param name  how the body names it, e.g. {@code store}: 1 to 64 of {@code a-z0-9_.-}; unique
         * @param check returns when ready, throws when not; called on a request thread, at most once per cache
         *              period; should give up within a few seconds; not null
         * @throws IllegalArgumentException for a malformed or repeated name
         */
        public Builder check(String name, Check check) {
            Objects.requireNonNull(name, "name must not be null");
            Objects.requireNonNull(check, "check must not be null");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("check name must match " + NAME + ", was: '" + name + "'");
            }
            if (checks.putIfAbsent(name, check) != null) {
                throw new IllegalArgumentException("check " + name + " is already added");
            }
            return this;
        }

        /**
         * @param period how long one readiness result is reused; zero runs the checks on every probe; not negative
         */
        public Builder cacheFor(Duration period) {
            Objects.requireNonNull(period, "period must not be null");
            if (period.isNegative()) {
                throw new IllegalArgumentException("cacheFor must not be negative, was: " + period);
            }
            this.cache = period;
            return this;
        }

        /** @return the servlet */
        public HealthServlet build() {
            return new HealthServlet(this);
        }
    }
}
