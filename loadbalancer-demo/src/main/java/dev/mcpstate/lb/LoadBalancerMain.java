package dev.mcpstate.lb;

/**
 * Command-line entry point of {@code mcp-state-lb.jar}: parses {@link LoadBalancerOptions#USAGE options},
 * starts a {@link LoadBalancer}, prints its {@link LoadBalancer#readyLine() ready line} to standard output
 * and serves until the JVM is stopped.
 *
 * <p>Exit status: 0 after {@code --help}, 2 for invalid arguments (message and usage on standard
 * error), 1 when the server cannot start.
 */
public final class LoadBalancerMain {

    private LoadBalancerMain() {
    }

    /**
     * Runs the load balancer.
     *
     * @param args command-line arguments, see {@link LoadBalancerOptions#USAGE}
     */
    public static void main(String[] args) throws Exception {
        if (LoadBalancerOptions.isHelpRequested(args)) {
            System.out.print(LoadBalancerOptions.USAGE);
            return;
        }
        LoadBalancerOptions options;
        try {
            options = LoadBalancerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mcp-state-lb: " + e.getMessage());
            System.err.print(LoadBalancerOptions.USAGE);
            System.exit(2);
            return;
        }
        LoadBalancer balancer;
        try {
            balancer = LoadBalancer.start(options);
        } catch (Exception e) {
            System.err.println("mcp-state-lb: cannot listen on " + options.host() + ":" + options.port()
                    + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(balancer::close, "mcp-state-lb-shutdown"));
        System.out.println(balancer.readyLine());
        balancer.join();
    }
}
