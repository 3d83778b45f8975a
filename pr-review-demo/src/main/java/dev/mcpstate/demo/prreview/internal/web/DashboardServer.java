package dev.mcpstate.demo.prreview.internal.web;

import dev.mcpstate.demo.prreview.internal.dashboard.DemoService;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

import java.net.URI;
import java.util.EnumSet;

/**
 * The dashboard's Jetty 12 server: the page and its script and style (class-path resources under
 * {@code dev/mcpstate/demo/prreview/web/}) at {@code /}, the API at {@code /api/*}, the event stream at
 * {@code /api/events}, all behind the {@link RequestGuard}.
 */
public final class DashboardServer implements AutoCloseable {

    static final String WEB_ROOT = "dev/mcpstate/demo/prreview/web/";

    private final Server jetty;
    private final URI url;

    private DashboardServer(Server jetty, URI url) {
        this.jetty = jetty;
        this.url = url;
    }

    /**
     * @param host the interface to listen on, e.g. {@code 127.0.0.1}; not null
     * @param port the port; 0 picks a free one
     * @param demo the demo behind the API; not null
     * @return the started server
     * @throws Exception when the port cannot be bound
     */
    public static DashboardServer start(String host, int port, DemoService demo) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        jetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.setBaseResource(ResourceFactory.of(context).newClassLoaderResource(WEB_ROOT));
        context.addFilter(new FilterHolder(new RequestGuard(host)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder events = new ServletHolder("events", new EventsServlet(demo.hub()));
        events.setAsyncSupported(true);
        context.addServlet(events, "/api/events");
        context.addServlet(new ServletHolder("api", new ApiServlet(demo)), "/api/*");
        ServletHolder files = new ServletHolder("files", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        files.setInitParameter("welcomeServlets", "false");
        context.addServlet(files, "/");
        context.setWelcomeFiles(new String[] {"index.html"});
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            throw e;
        }
        String shownHost = host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1"
                : host.contains(":") ? "[" + host + "]" : host;
        return new DashboardServer(jetty, URI.create("http://" + shownHost + ":" + connector.getLocalPort() + "/"));
    }

    /** @return the dashboard's address, e.g. {@code http://127.0.0.1:8090/} */
    public URI url() {
        return url;
    }

    /**
     * Stops Jetty. Idempotent.
     *
     * @throws IllegalStateException when Jetty fails to stop
     */
    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the dashboard's Jetty failed: " + e.getMessage(), e);
        }
    }
}
