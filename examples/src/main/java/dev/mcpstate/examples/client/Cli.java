package dev.mcpstate.examples.client;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line plumbing shared by the example mains: {@code --name value} options, {@code --flag} switches,
 * positional arguments, {@code --help}, and the exit codes {@link #EXIT_OK}, {@link #EXIT_FAILED} and
 * {@link #EXIT_USAGE}.
 *
 * <p>A main is a {@link Command} run by {@link #run}: the command body prints to {@code out}; a bad command
 * line ({@link UsageException}) prints {@code error: <message>} and the usage text to {@code err} and yields
 * {@link #EXIT_USAGE}; any other exception prints one {@code error: <message>} line to {@code err} and yields
 * {@link #EXIT_FAILED} — never a stack trace. Stateless and thread-safe.
 */
public final class Cli {

    /** Exit code: the command did what it was asked. */
    public static final int EXIT_OK = 0;
    /** Exit code: the command ran and failed (server unreachable, session unknown, check failed). */
    public static final int EXIT_FAILED = 1;
    /** Exit code: the command line is invalid. */
    public static final int EXIT_USAGE = 2;

    private Cli() {
    }

    /** The body of a main, given its parsed arguments. */
    @FunctionalInterface
    public interface Command {
        /**
         * @param args the parsed arguments; never null
         * @param out  where the command prints its results; never null
         * @return the exit code
         * @throws Exception reported as one {@code error:} line and {@link #EXIT_FAILED}
         */
        int run(Args args, PrintStream out) throws Exception;
    }

    /** A command line that does not fit the usage; its message names the option and the value. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what is wrong, naming the option and the value */
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses a command line and runs a command on it.
     *
     * @param argv    the raw arguments; not null
     * @param usage   the usage text, printed by {@code --help} (to {@code out}) and after usage errors (to
     *                {@code err}); not null
     * @param options names of the options that take a value, e.g. {@code --url}; not null
     * @param flags   names of the switches without a value, e.g. {@code --once}; not null
     * @param command the body; not null
     * @param out     standard output; not null
     * @param err     standard error; not null
     * @return the exit code: {@link #EXIT_OK} after {@code --help}, {@link #EXIT_USAGE} for a bad command line,
     *         {@link #EXIT_FAILED} when the command throws, else what the command returns
     */
    public static int run(String[] argv, String usage, Set<String> options, Set<String> flags, Command command,
            PrintStream out, PrintStream err) {
        Args args;
        try {
            args = Args.parse(argv, options, flags);
        } catch (UsageException e) {
            return usageError(e, usage, err);
        }
        if (args.has("--help")) {
            out.print(usage);
            return EXIT_OK;
        }
        try {
            return command.run(args, out);
        } catch (UsageException e) {
            return usageError(e, usage, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return EXIT_FAILED;
        } catch (Exception e) {
            err.println("error: " + describe(e));
            return EXIT_FAILED;
        } finally {
            out.flush();
        }
    }

    private static int usageError(UsageException e, String usage, PrintStream err) {
        err.println("error: " + e.getMessage());
        err.print(usage);
        return EXIT_USAGE;
    }

    /**
     * @param failure an exception; not null
     * @return the messages of the failure and of its causes, for one error line; never a stack trace
     */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null && text.length() < 500; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    /** Parsed arguments: option values, switches, positionals. Immutable. */
    public static final class Args {
        private final Map<String, String> values;
        private final Set<String> switches;
        private final List<String> positionals;

        private Args(Map<String, String> values, Set<String> switches, List<String> positionals) {
            this.values = Map.copyOf(values);
            this.switches = Set.copyOf(switches);
            this.positionals = List.copyOf(positionals);
        }

        static Args parse(String[] argv, Set<String> options, Set<String> flags) {
            Map<String, String> values = new HashMap<>();
            Set<String> switches = new HashSet<>();
            List<String> positionals = new ArrayList<>();
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    switches.add("--help");
                } else if (flags.contains(arg)) {
                    switches.add(arg);
                } else if (options.contains(arg)) {
                    if (i + 1 >= argv.length) {
                        throw new UsageException(arg + " needs a value");
                    }
                    values.put(arg, argv[++i]);
                } else if (arg.startsWith("-")) {
                    throw new UsageException("unknown option: " + arg);
                } else {
                    positionals.add(arg);
                }
            }
            return new Args(values, switches, positionals);
        }

        /** @return true when the switch was given */
        public boolean has(String flag) {
            return switches.contains(flag);
        }

        /** @return the option's value, or {@code fallback} when it was not given */
        public String get(String option, String fallback) {
            return values.getOrDefault(option, fallback);
        }

        /**
         * @return the option's value
         * @throws UsageException when the option was not given
         */
        public String required(String option) {
            String value = values.get(option);
            if (value == null) {
                throw new UsageException(option + " is required");
            }
            return value;
        }

        /**
         * @return the option's value as an integer in {@code [min, max]}, or {@code fallback} when not given
         * @throws UsageException when the value is not such an integer
         */
        public int integer(String option, int fallback, int min, int max) {
            String value = values.get(option);
            if (value == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(option + " must be an integer from " + min + " to " + max + ", was: " + value);
        }

        /**
         * @return the option's value as an absolute {@code http} or {@code https} URL
         * @throws UsageException when the option is missing or not such a URL
         */
        public URI url(String option) {
            return httpUrl(option, required(option));
        }

        /**
         * @param count how many positional arguments the command takes
         * @param names their names, for the error message, e.g. {@code SESSION_ID}
         * @return the positional arguments
         * @throws UsageException when there are more or fewer
         */
        public List<String> positionals(int count, String names) {
            if (positionals.size() != count) {
                throw new UsageException(count == 0 ? "unexpected argument: " + positionals.get(0)
                        : "expected " + names + ", got " + (positionals.isEmpty() ? "nothing" : positionals));
            }
            return positionals;
        }
    }

    /**
     * @param option the option the value came from, for the message
     * @param value  the text
     * @return the URL
     * @throws UsageException when the text is not an absolute {@code http}/{@code https} URL with a host
     */
    static URI httpUrl(String option, String value) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new UsageException(option + " must be an http(s) URL such as http://127.0.0.1:3000/mcp, was: "
                + value);
    }
}
