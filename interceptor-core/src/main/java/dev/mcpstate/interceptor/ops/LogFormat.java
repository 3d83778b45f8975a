package dev.mcpstate.interceptor.ops;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a standalone server (the example servers, the sidecar) writes its log lines: {@link #TEXT} for people, or
 * {@link #JSON} — one JSON object per line, by logback's {@code ch.qos.logback.classic.encoder.JsonEncoder}, with the
 * logging context ({@code mdc}: {@code request_id}, {@code mcp_session_id}) — for log collectors. Chosen by
 * {@value #FLAG} {@code text|json} (also {@code --log-format=json}), else the environment variable {@value #ENV},
 * else text; {@link #apply} must run before the first logger is created. Immutable.
 */
public enum LogFormat {

    /** The server's own pattern layout. */
    TEXT,
    /** One JSON object per line, to standard error. */
    JSON;

    /** The command-line flag. */
    public static final String FLAG = "--log-format";
    /** The environment variable, when the flag is absent. */
    public static final String ENV = "MCP_STATE_LOG_FORMAT";
    /** The logback configuration of {@link #JSON}: a class-path resource of this module. */
    public static final String JSON_CONFIG = "dev/mcpstate/interceptor/ops/logback-json.xml";
    /** The system property logback reads its configuration's location from. */
    static final String LOGBACK_CONFIG_PROPERTY = "logback.configurationFile";

    /**
     * @param value {@code text} or {@code json}, in any case; not null
     * @return the format
     * @throws IllegalArgumentException naming the flag and the value for anything else
     */
    public static LogFormat parse(String value) {
        Objects.requireNonNull(value, "value must not be null");
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException(FLAG + " must be text or json, was: " + value);
        };
    }

    /**
     * @param args the command line; {@value #FLAG} wins over the environment; not null
     * @param env  the environment; not null
     * @return the format asked for, {@link #TEXT} when none
     * @throws IllegalArgumentException for a value that is neither text nor json, or a flag without a value
     */
    public static LogFormat of(String[] args, Map<String, String> env) {
        String value = env.get(ENV);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(FLAG)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(FLAG + " needs a value");
                }
                value = args[++i];
            } else if (args[i].startsWith(FLAG + "=")) {
                value = args[i].substring(FLAG.length() + 1);
            }
        }
        return value == null || value.isBlank() ? TEXT : parse(value);
    }

    /**
     * Points logback at this format's configuration, unless {@code logback.configurationFile} is set already (an
     * operator's own configuration wins). Call before any logger exists.
     *
     * @param textConfig the class-path resource (or file) of the server's text configuration; null for logback's
     *                   default lookup ({@code logback.xml})
     */
    public void apply(String textConfig) {
        if (System.getProperty(LOGBACK_CONFIG_PROPERTY) != null) {
            return;
        }
        String config = this == JSON ? JSON_CONFIG : textConfig;
        if (config != null) {
            System.setProperty(LOGBACK_CONFIG_PROPERTY, config);
        }
    }
}
