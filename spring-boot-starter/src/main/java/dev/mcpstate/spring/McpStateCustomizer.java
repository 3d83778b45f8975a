package dev.mcpstate.spring;

import dev.mcpstate.interceptor.InterceptorConfig;

/**
 * Adjusts the session filter's settings in code, after the {@code mcp-state.*} properties were applied: declare
 * beans of this type for settings the properties do not cover (the clock, the session cache size, the touch and
 * sweep intervals). Customizers run once at startup, in {@link org.springframework.core.annotation.Order} order.
 *
 * <pre>{@code
 * @Bean
 * McpStateCustomizer sessionCache() {
 *     return settings -> settings.sessionCacheSize(50_000);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface McpStateCustomizer {

    /**
     * @param settings the filter settings so far; not null. Its builder methods throw
     *                 {@link IllegalArgumentException} for values out of range, which fails the startup.
     */
    void customize(InterceptorConfig.Builder settings);
}
