package dev.mcpstate.interceptor.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.store.internal.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Choosing the log format, and the JSON configuration: logback's JsonEncoder writes one parsable object a line. */
class LogFormatTest {

    private final String before = System.getProperty(LogFormat.LOGBACK_CONFIG_PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(LogFormat.LOGBACK_CONFIG_PROPERTY);
        } else {
            System.setProperty(LogFormat.LOGBACK_CONFIG_PROPERTY, before);
        }
    }

    @Test
    void theFlagWinsOverTheEnvironmentAndBadValuesAreNamed() {
        assertThat(LogFormat.of(new String[] {"--port", "0"}, Map.of())).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.of(new String[0], Map.of("MCP_STATE_LOG_FORMAT", "JSON"))).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.of(new String[] {"--log-format", "text"}, Map.of("MCP_STATE_LOG_FORMAT", "json")))
                .isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.of(new String[] {"--log-format=json"}, Map.of())).isEqualTo(LogFormat.JSON);
        assertThatThrownBy(() -> LogFormat.of(new String[] {"--log-format", "xml"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--log-format must be text or json, was: xml");
        assertThatThrownBy(() -> LogFormat.of(new String[] {"--log-format"}, Map.of()))
                .hasMessage("--log-format needs a value");
    }

    @Test
    void applyChoosesTheConfigurationUnlessOneIsSetAlready() {
        System.clearProperty(LogFormat.LOGBACK_CONFIG_PROPERTY);
        LogFormat.TEXT.apply(null);
        assertThat(System.getProperty(LogFormat.LOGBACK_CONFIG_PROPERTY)).isNull();
        LogFormat.JSON.apply("text.xml");
        assertThat(System.getProperty(LogFormat.LOGBACK_CONFIG_PROPERTY)).isEqualTo(LogFormat.JSON_CONFIG);
        LogFormat.TEXT.apply("text.xml");
        assertThat(System.getProperty(LogFormat.LOGBACK_CONFIG_PROPERTY)).as("an operator's choice stays")
                .isEqualTo(LogFormat.JSON_CONFIG);
    }

    @Test
    void theJsonConfigurationWritesOneJsonObjectPerLineWithTheLoggingContext() throws Exception {
        URL config = LogFormat.class.getClassLoader().getResource(LogFormat.JSON_CONFIG);
        assertThat(config).isNotNull();
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertThat(appender.getTarget()).isEqualTo("System.err");

        LoggingEvent event = new LoggingEvent("x", context.getLogger("dev.mcpstate.Some"), Level.WARN,
                "session {} said \"{}\"", new IllegalStateException("boom"), new Object[] {"s-1", "a\nb"});
        event.setMDCPropertyMap(Map.of("request_id", "r-1", "mcp_session_id", "s-1"));
        String line = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        JsonNode json = Json.MAPPER.readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("loggerName").asText()).isEqualTo("dev.mcpstate.Some");
        assertThat(json.path("formattedMessage").asText()).isEqualTo("session s-1 said \"a\nb\"");
        assertThat(json.at("/mdc/request_id").asText()).isEqualTo("r-1");
        assertThat(json.at("/mdc/mcp_session_id").asText()).isEqualTo("s-1");
        assertThat(json.at("/throwable/className").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(json.has("timestamp")).isTrue();
        context.stop();
    }
}
