package dev.mcpstate.demo.prreview;

/**
 * {@code java -jar mcp-state-pr-review-demo.jar [options]}: starts the demo ({@link DemoOptions#USAGE}), prints
 * one ready line ({@link PrReviewDemo#readyLine()}) on standard output, and runs until stopped; SIGTERM or Ctrl-C
 * stops the agents and the embedded sidecar. Exit codes: 0 after {@code --help}, 2 for bad options, 1 when the
 * demo cannot start.
 */
public final class PrReviewDemoMain {

    private PrReviewDemoMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(DemoOptions.USAGE);
            return;
        }
        PrReviewDemo demo;
        try {
            demo = PrReviewDemo.start(options);
        } catch (Exception e) {
            System.err.println("error: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                demo.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e.getMessage());
            }
        }, "pr-review-demo-stop"));
        System.out.println(demo.readyLine());
        System.out.flush();
        Thread.currentThread().join();
    }
}
