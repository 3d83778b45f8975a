package dev.mcpstate.lb;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.mcpstate.testing.FreePort;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A real Jetty backend on a free loopback port that records every request it serves and answers with
 * {@code Mcp-State-Node: <name>}. Requests go to a {@link Responder} given by the test; {@link #echo}
 * answers a JSON body naming the node and method and echoes the MCP session headers.
 */
final class TestBackend implements AutoCloseable {

    /** Answers one request, like {@link Handler#handle} with the backend's name. */
    @FunctionalInterface
    interface Responder {
        boolean respond(String name, Request request, Response response, Callback callback) throws Exception;
    }

    /** What the backend saw: method, path and request headers. */
    record Hit(String method, String path, HttpFields headers) {
    }

    private final String name;
    private final Server server;
    private final URI uri;
    private final List<Hit> hits = new CopyOnWriteArrayList<>();

    private TestBackend(String name, Responder responder) throws Exception {
        this.name = name;
        int port = FreePort.find();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                hits.add(new Hit(request.getMethod(), request.getHttpURI().getPath(),
                        HttpFields.build(request.getHeaders()).asImmutable()));
                response.getHeaders().put("Mcp-State-Node", name);
                return responder.respond(name, request, response, callback);
            }
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts a backend named {@code name} whose requests go to {@code responder}. */
    static TestBackend start(String name, Responder responder) throws Exception {
        return new TestBackend(name, responder);
    }

    /** Starts a backend named {@code name} answering with {@link #echo}. */
    static TestBackend echoing(String name) throws Exception {
        return start(name, TestBackend::echo);
    }

    /**
     * Answers 200 with {@code {"node":NAME,"method":METHOD,"body":BODY}} as JSON, echoing
     * {@code Mcp-Session-Id} and {@code MCP-Protocol-Version} when present.
     */
    static boolean echo(String name, Request request, Response response, Callback callback) throws Exception {
        String body = Content.Source.asString(request);
        for (String header : List.of("Mcp-Session-Id", "MCP-Protocol-Version")) {
            String value = request.getHeaders().get(header);
            if (value != null) {
                response.getHeaders().put(header, value);
            }
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, "{\"node\":\"" + name + "\",\"method\":\"" + request.getMethod()
                + "\",\"body\":\"" + body.replace("\"", "\\\"") + "\"}", callback);
        return true;
    }

    String name() {
        return name;
    }

    URI uri() {
        return uri;
    }

    List<Hit> hits() {
        return hits;
    }

    @Override
    public void close() {
        LifeCycle.stop(server);
    }
}
