package dev.mcpstate.demo.prreview.internal.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags of the form {@code --name value} or {@code --name=value}, plus switches without a value.
 * Immutable once parsed; every error is an {@link IllegalArgumentException} with a message naming the flag.
 */
public final class Flags {

    private final Map<String, String> values;
    private final Set<String> switches;

    private Flags(Map<String, String> values, Set<String> switches) {
        this.values = values;
        this.switches = switches;
    }

    /**
     * @param args     the arguments; not null
     * @param valued   the flags that take a value, e.g. {@code "--port"}
     * @param switches the flags that take none, e.g. {@code "--help"}
     * @return the flags given
     * @throws IllegalArgumentException on an unknown flag, a flag without its value, or a stray argument
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        Map<String, String> values = new HashMap<>();
        java.util.HashSet<String> given = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String inline = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                inline = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            if (switches.contains(flag) && inline == null) {
                given.add(flag);
            } else if (valued.contains(flag)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(flag + " needs a value");
                    }
                    value = args[++i];
                }
                values.put(flag, value);
            } else {
                throw new IllegalArgumentException("unknown option: " + args[i] + " (see --help)");
            }
        }
        return new Flags(values, given);
    }

    /** @return true when the switch was given */
    public boolean has(String flag) {
        return switches.contains(flag) || values.containsKey(flag);
    }

    /** @return the flag's value, or {@code defaultValue} when absent */
    public String text(String flag, String defaultValue) {
        String value = values.get(flag);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    /** @return the flag's value; throws when absent */
    public String required(String flag) {
        String value = text(flag, null);
        if (value == null) {
            throw new IllegalArgumentException(flag + " is required");
        }
        return value;
    }

    /** @return a whole number in {@code [min, max]}, or {@code defaultValue} when absent */
    public int integer(String flag, int defaultValue, int min, int max) {
        String value = text(flag, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be " + min + ".." + max + ", was: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, was: " + value);
        }
    }

    /** @return a positive number of milliseconds, or {@code defaultValue} when absent */
    public Duration millis(String flag, Duration defaultValue) {
        String value = text(flag, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            long ms = Long.parseLong(value);
            if (ms < 0) {
                throw new IllegalArgumentException(flag + " must be 0 or more milliseconds, was: " + value);
            }
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number of milliseconds, was: " + value);
        }
    }

    /** @return an absolute http(s) URL, or {@code defaultValue} when absent */
    public URI url(String flag, URI defaultValue) {
        String value = text(flag, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            URI uri = new URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException(flag + " must be an http(s) URL, was: " + value);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(flag + " is not a URL: " + value);
        }
    }

    /** @return a path, or {@code defaultValue} when absent */
    public Path path(String flag, Path defaultValue) {
        String value = text(flag, null);
        return value == null ? defaultValue : Path.of(value);
    }
}
