package dev.mcpstate.spring;

import dev.mcpstate.interceptor.ClusterTransportProvider;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.McpStateFilter;
import dev.mcpstate.interceptor.auth.Authenticator;
import dev.mcpstate.interceptor.auth.ProtectedResourceMetadata;
import dev.mcpstate.interceptor.auth.ProtectedResourceMetadataServlet;
import dev.mcpstate.interceptor.auth.StaticTokens;
import dev.mcpstate.sidecar.SidecarTools;
import dev.mcpstate.spring.internal.UnsupportedProtocolCondition;
import dev.mcpstate.store.Storage;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRegistration;
import org.springframework.ai.mcp.server.common.autoconfigure.McpServerAutoConfiguration;
import org.springframework.ai.mcp.server.common.autoconfigure.McpServerStdioDisabledCondition;
import org.springframework.ai.mcp.server.common.autoconfigure.properties.McpServerStreamableHttpProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

import java.util.EnumSet;
import java.util.List;

/**
 * Puts the mcp-state session filter in front of a Spring AI MCP server on the servlet stack, so its sessions
 * survive restarts and any node sharing the store serves any session.
 *
 * <p>Instead of Spring AI's WebMVC Streamable HTTP transport (which {@code SpringAiTransportVeto} keeps out), the
 * MCP endpoint ({@code spring.ai.mcp.server.streamable-http.mcp-endpoint}, default {@code /mcp}) is served by the
 * MCP Java SDK's servlet, {@link HttpServletStreamableServerTransportProvider}, registered with the servlet
 * container next to Spring MVC's {@code DispatcherServlet}, with {@link McpStateFilter} in front of it; both
 * async-supported. Spring AI builds its {@code McpSyncServer} (or {@code McpAsyncServer}) on that servlet, through
 * {@link ClusterTransportProvider}, so server-initiated notifications ({@code notifyToolsListChanged},
 * {@code notifyClients}) reach every live session, whichever node holds it. Tools, resources and prompts are
 * Spring AI's as usual ({@code @McpTool} beans, {@code ToolCallbackProvider} beans, specification beans).
 *
 * <p>Applies when: a servlet web application, {@code mcp-state.enabled} true (the default), Spring AI's MCP server
 * enabled, not stdio, protocol {@code STREAMABLE} (which the starter makes the default). With
 * {@code mcp-state.enabled=false} nothing of mcp-state is created and Spring AI's own transport serves. Protocol
 * {@code SSE} or {@code STATELESS} with mcp-state enabled fails the startup: mcp-state supports neither.
 *
 * <p>Beans (each but the filter and its registrations replaceable by one of your own): {@link InterceptorConfig}
 * (from {@link McpStateProperties}, an {@link Authenticator} bean if any, the application's {@link MeterRegistry}
 * if there is one — Actuator's — for the filter's meters, then {@link McpStateCustomizer} beans),
 * {@link Storage} (opened at startup; closed at shutdown), {@link ClusterTransportProvider} (wrapping the SDK
 * servlet), {@link McpStateFilter}; with {@code mcp-state.sidecar.enabled=true} the state-sidecar tools as a
 * {@code List<SyncToolSpecification>}; with Actuator a {@link McpStateHealthIndicator}.
 */
@AutoConfiguration(before = McpServerAutoConfiguration.class)
@ConditionalOnClass({HttpServletStreamableServerTransportProvider.class, McpServerAutoConfiguration.class,
    JacksonMcpJsonMapper.class, FilterRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = McpStateProperties.PREFIX, name = "enabled", havingValue = "true",
        matchIfMissing = true)
@EnableConfigurationProperties({McpStateProperties.class, McpServerStreamableHttpProperties.class})
public class McpStateAutoConfiguration {

    /**
     * The order of the filter among the container's filters: late, so that filters which authenticate (Spring
     * Security's chain, at -100) or observe requests run before it.
     */
    public static final int FILTER_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    /** The Streamable HTTP wiring: the SDK servlet behind the session filter. */
    @Configuration(proxyBeanMethods = false)
    @Conditional({McpServerStdioDisabledCondition.class,
        McpServerAutoConfiguration.EnabledStreamableServerCondition.class})
    static class StreamableHttp {

        @Bean
        @ConditionalOnMissingBean
        InterceptorConfig mcpStateInterceptorConfig(McpStateProperties properties,
                ObjectProvider<Authenticator> authenticators, ObjectProvider<MeterRegistry> meterRegistries,
                ObjectProvider<McpStateCustomizer> customizers) {
            InterceptorConfig.Builder settings = properties.applyTo(InterceptorConfig.builder());
            settings.meterRegistry(meterRegistries.getIfUnique()); // Actuator's: the filter's meters join the app's
            Authenticator authenticator = authenticators.getIfUnique();
            if (properties.getAuthTokens() != null) {
                if (authenticator != null) {
                    throw new IllegalStateException("both " + McpStateProperties.PREFIX + ".auth-tokens and an "
                            + "Authenticator bean are configured: keep one");
                }
                authenticator = StaticTokens.fromFile(properties.getAuthTokens());
            }
            settings.authenticator(authenticator);
            customizers.orderedStream().forEach(c -> c.customize(settings));
            return settings.build();
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        Storage mcpStateStorage(McpStateProperties properties, InterceptorConfig config) {
            return Storage.open(properties.toStorageConfig(), config.clock());
        }

        @Bean
        @ConditionalOnMissingBean
        ClusterTransportProvider mcpStateTransport(@Qualifier("mcpServerJsonMapper") JsonMapper jsonMapper,
                McpServerStreamableHttpProperties http, InterceptorConfig config) {
            return new ClusterTransportProvider(HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(new JacksonMcpJsonMapper(jsonMapper))
                    .mcpEndpoint(http.getMcpEndpoint())
                    .keepAliveInterval(http.getKeepAliveInterval())
                    .disallowDelete(http.isDisallowDelete())
                    .maxRequestSize(config.maxBodyBytes())
                    .build());
        }

        /*
         * Not made to wait for the MCP server: the registration beans are created while the web server is set up,
         * before the application's singletons, and building Spring AI's server that early would miss @McpTool beans
         * not created yet. The filter reads the SDK servlet's session factory (set by the server's build) only when it
         * serves a request; mcpStateServerBuilt builds the server before the connector accepts any.
         */
        @Bean
        McpStateFilter mcpStateFilter(Storage storage, ClusterTransportProvider transport, InterceptorConfig config) {
            McpStateFilter filter = new McpStateFilter(storage, transport.sdk(), config);
            filter.broadcastThrough(transport);
            return filter;
        }

        /**
         * Builds Spring AI's server once every singleton exists, before the connector opens, even where nothing else
         * asks for it (with {@code spring.main.lazy-initialization=true}: Boot keeps this type eager).
         */
        @Bean
        static SmartInitializingSingleton mcpStateServerBuilt(ObjectProvider<McpSyncServer> syncServer,
                ObjectProvider<McpAsyncServer> asyncServer) {
            return () -> {
                syncServer.getIfAvailable();
                asyncServer.getIfAvailable();
            };
        }

        @Bean
        ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpStateServletRegistration(
                ClusterTransportProvider transport, McpServerStreamableHttpProperties http) {
            ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration =
                    new ServletRegistrationBean<>(transport.sdk(), http.getMcpEndpoint());
            registration.setName("mcpStateServlet");
            registration.setAsyncSupported(true);
            registration.setLoadOnStartup(1);
            return registration;
        }

        @Bean
        FilterRegistrationBean<McpStateFilter> mcpStateFilterRegistration(McpStateFilter filter,
                McpServerStreamableHttpProperties http) {
            FilterRegistrationBean<McpStateFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setName("mcpStateFilter");
            registration.addUrlPatterns(http.getMcpEndpoint());
            registration.setAsyncSupported(true);
            registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
            registration.setOrder(FILTER_ORDER);
            return registration;
        }

        /** Serves the OAuth Protected Resource Metadata (RFC 9728) when the authenticator has one. */
        @Bean
        ServletContextInitializer mcpStateResourceMetadata(InterceptorConfig config) {
            return context -> {
                if (config.authenticator() == null) {
                    return;
                }
                config.authenticator().resourceMetadata().ifPresent(metadata -> {
                    ServletRegistration.Dynamic document = context.addServlet("mcpStateResourceMetadata",
                            new ProtectedResourceMetadataServlet(metadata));
                    document.addMapping(ProtectedResourceMetadata.WELL_KNOWN, metadata.metadataUrl().getRawPath());
                });
            };
        }

        @Bean
        @ConditionalOnProperty(prefix = McpStateProperties.PREFIX, name = "sidecar.enabled", havingValue = "true")
        List<SyncToolSpecification> mcpStateSidecarTools(Storage storage) {
            return SidecarTools.specifications(storage.sidecar());
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(HealthIndicator.class)
        @ConditionalOnEnabledHealthIndicator("mcpstate")
        static class Health {

            @Bean
            @ConditionalOnMissingBean(name = "mcpStateHealthIndicator")
            McpStateHealthIndicator mcpStateHealthIndicator(Storage storage, McpStateFilter filter,
                    InterceptorConfig config) {
                return new McpStateHealthIndicator(storage, filter, config.nodeId());
            }
        }

    }

    /** Fails the startup when Spring AI is set to a protocol mcp-state cannot wrap. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(UnsupportedProtocolCondition.class)
    static class UnsupportedProtocol {

        @Bean
        Object mcpStateUnsupportedProtocol(Environment environment) {
            throw new IllegalStateException("mcp-state wraps only the Streamable HTTP transport, but "
                    + UnsupportedProtocolCondition.PROTOCOL + " is "
                    + environment.getProperty(UnsupportedProtocolCondition.PROTOCOL, "not set (Spring AI: SSE)")
                    + ": set it to STREAMABLE, or set " + McpStateProperties.PREFIX + ".enabled=false");
        }
    }
}
