package dev.mcpstate.demo.prreview.internal.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.demo.prreview.internal.dashboard.ApiException;
import dev.mcpstate.demo.prreview.internal.dashboard.DemoService;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON API under {@code /api}; each route is one {@link DemoService} call. Errors are
 * {@code {"error": message}} with the status of the {@link ApiException}; anything unexpected is a 500 with a plain
 * message (the stack trace goes to the log only).
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code GET /api/fixtures}</td><td>{@code {"fixtures": [name...]}}</td></tr>
 *   <tr><td>{@code POST /api/pr}</td><td>{@code {"fixture"}|{"diff","name"?}|{"url"}} to {@code {"pr": {...}}}</td></tr>
 *   <tr><td>{@code POST /api/runs}</td><td>{@code {"kinds"?}} to {@code {"runs": [{run_id, kind}...]}}</td></tr>
 *   <tr><td>{@code POST /api/agents}</td><td>{@code {"kind", "count"?}} to {@code {"agents": [{agent_id, kind,
 *       pid}...]}}</td></tr>
 *   <tr><td>{@code POST /api/agents/{id}/crash}</td><td>{@code {"agent_id", "pid", "crashed", "held"}}</td></tr>
 *   <tr><td>{@code GET /api/state}</td><td>{@code {demo_id, pr, runs, agents, kv}}</td></tr>
 *   <tr><td>{@code POST /api/aggregate}</td><td>{@code {"findings": [...], "markdown", ...}}</td></tr>
 *   <tr><td>{@code GET /api/report.md}</td><td>the aggregate as a Markdown download</td></tr>
 *   <tr><td>{@code POST /api/reset}</td><td>{@code {"demo_id", "previous"}}</td></tr>
 * </table>
 */
final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ApiServlet.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Pattern CRASH = Pattern.compile("^/agents/([A-Za-z0-9_-]{1,64})/crash$");
    /** The largest request body: a diff of {@code PrSources.MAX_DIFF_BYTES} escaped as JSON fits. */
    static final int MAX_BODY_BYTES = 2 * 1024 * 1024;

    private final transient DemoService demo;

    ApiServlet(DemoService demo) {
        this.demo = demo;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = path(request);
        try {
            switch (path) {
                case "/fixtures" -> json(response, 200, demo.fixtures());
                case "/state" -> json(response, 200, demo.state());
                case "/report.md" -> {
                    byte[] body = demo.reportMarkdown().getBytes(StandardCharsets.UTF_8);
                    response.setStatus(200);
                    response.setContentType("text/markdown; charset=utf-8");
                    response.setHeader("Content-Disposition", "attachment; filename=\"pr-review-report.md\"");
                    response.getOutputStream().write(body);
                }
                default -> error(response, 404, "no such API: GET /api" + path);
            }
        } catch (ApiException e) {
            error(response, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("GET /api{} failed", path, e);
            error(response, 500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = path(request);
        try {
            JsonNode body = body(request);
            Matcher crash = CRASH.matcher(path);
            if (crash.matches()) {
                json(response, 200, demo.crash(crash.group(1)));
                return;
            }
            switch (path) {
                case "/pr" -> json(response, 200, demo.loadPr(body));
                case "/runs" -> json(response, 200, demo.registerRuns(body));
                case "/agents" -> json(response, 200, demo.spawn(body));
                case "/aggregate" -> json(response, 200, demo.aggregate());
                case "/reset" -> json(response, 200, demo.reset());
                default -> error(response, 404, "no such API: POST /api" + path);
            }
        } catch (ApiException e) {
            error(response, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("POST /api{} failed", path, e);
            error(response, 500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private static String path(HttpServletRequest request) {
        String path = request.getPathInfo();
        return path == null ? "/" : path;
    }

    private static JsonNode body(HttpServletRequest request) throws IOException {
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "the request body is over " + MAX_BODY_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode body = JSON.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw new ApiException(400, "the request body must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static void json(HttpServletResponse response, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Writes {@code {"error": message}} with the status. */
    static void error(HttpServletResponse response, int status, String message) throws IOException {
        json(response, status, JSON.createObjectNode().put("error", message));
    }
}
