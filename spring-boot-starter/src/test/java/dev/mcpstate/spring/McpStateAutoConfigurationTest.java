package dev.mcpstate.spring;

import dev.mcpstate.interceptor.ClusterTransportProvider;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.McpStateFilter;
import dev.mcpstate.interceptor.auth.Authenticator;
import dev.mcpstate.interceptor.auth.StaticTokens;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpServerTransportProviderBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.mcp.server.common.autoconfigure.McpServerAutoConfiguration;
import org.springframework.ai.mcp.server.common.autoconfigure.McpServerJsonMapperAutoConfiguration;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The auto-configuration's conditions and beans, in a servlet application context without a server (Spring AI's own
 * server auto-configuration included, so the MCP server is really built on the starter's transport).
 */
class McpStateAutoConfigurationTest {

    @TempDir
    Path dir;

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(McpServerJsonMapperAutoConfiguration.class,
                        McpServerAutoConfiguration.class, McpStateAutoConfiguration.class))
                .withPropertyValues("spring.ai.mcp.server.protocol=STREAMABLE",
                        "mcp-state.db=" + dir.resolve("state.db"), "mcp-state.node-id=unit-node");
    }

    @Test
    void wrapsSpringAisServerWithTheSdkServletBehindTheFilterAtTheMcpEndpoint() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(McpStateFilter.class).hasSingleBean(Storage.class);
            ClusterTransportProvider transport = context.getBean(ClusterTransportProvider.class);
            assertThat(context.getBean(McpServerTransportProviderBase.class)).isSameAs(transport);
            assertThat(context).hasSingleBean(McpSyncServer.class);

            ServletRegistrationBean<?> servlet = context.getBean(ServletRegistrationBean.class);
            assertThat(servlet.getServlet()).isSameAs(transport.sdk());
            assertThat(servlet.getUrlMappings()).containsExactly("/mcp");
            assertThat(servlet.isAsyncSupported()).isTrue();
            FilterRegistrationBean<?> filter = context.getBean(FilterRegistrationBean.class);
            assertThat(filter.getFilter()).isSameAs(context.getBean(McpStateFilter.class));
            assertThat(filter.getUrlPatterns()).containsExactly("/mcp");
            assertThat(filter.isAsyncSupported()).isTrue();

            assertThat(context.getBean(InterceptorConfig.class).nodeId()).isEqualTo("unit-node");
            assertThat(context.getBean(Storage.class).config().sqlitePath()).isEqualTo(dir.resolve("state.db"));
            assertThat(context).doesNotHaveBean("mcpStateSidecarTools");
        });
    }

    @Test
    void theServerIsBuiltAtStartupEvenWithLazyInitialization() {
        runner().withInitializer(context -> context.addBeanFactoryPostProcessor(
                        new LazyInitializationBeanFactoryPostProcessor()))
                .run(context -> assertThat(context.getBeanFactory().containsSingleton("mcpSyncServer")).isTrue());
    }

    @Test
    void theEndpointFollowsSpringAisStreamableHttpSetting() {
        runner().withPropertyValues("spring.ai.mcp.server.streamable-http.mcp-endpoint=/api/mcp").run(context -> {
            ServletRegistrationBean<?> servlet = context.getBean(ServletRegistrationBean.class);
            FilterRegistrationBean<?> filter = context.getBean(FilterRegistrationBean.class);
            assertThat(servlet.getUrlMappings()).containsExactly("/api/mcp");
            assertThat(filter.getUrlPatterns()).containsExactly("/api/mcp");
        });
    }

    @Test
    void backsOffWhenDisabled() {
        runner().withPropertyValues("mcp-state.enabled=false").run(context -> {
            assertThat(context).hasNotFailed()
                    .doesNotHaveBean(McpStateFilter.class)
                    .doesNotHaveBean(Storage.class)
                    .doesNotHaveBean(ClusterTransportProvider.class)
                    .doesNotHaveBean(FilterRegistrationBean.class);
        });
    }

    @Test
    void backsOffOutsideAServletApplication() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(McpServerJsonMapperAutoConfiguration.class,
                        McpServerAutoConfiguration.class, McpStateAutoConfiguration.class))
                .withPropertyValues("spring.ai.mcp.server.protocol=STREAMABLE")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(McpStateFilter.class));
    }

    @Test
    void backsOffWhenSpringAisServerIsDisabledOrOnStdio() {
        runner().withPropertyValues("spring.ai.mcp.server.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(McpStateFilter.class));
        runner().withPropertyValues("spring.ai.mcp.server.stdio=true").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(McpStateFilter.class));
    }

    @Test
    void failsTheStartupForATransportItCannotWrap() {
        for (String protocol : List.of("SSE", "STATELESS")) {
            runner().withPropertyValues("spring.ai.mcp.server.protocol=" + protocol).run(context ->
                    assertThat(context).hasFailed().getFailure().rootCause()
                            .hasMessageContaining("mcp-state wraps only the Streamable HTTP transport")
                            .hasMessageContaining(protocol));
        }
    }

    @Test
    void sidecarToolsJoinTheServerWithOneProperty() {
        runner().withPropertyValues("mcp-state.sidecar.enabled=true").run(context -> {
            @SuppressWarnings("unchecked")
            List<SyncToolSpecification> tools = context.getBean("mcpStateSidecarTools", List.class);
            assertThat(tools).extracting(t -> t.tool().name()).contains("state_set", "state_get", "lease_acquire");
            assertThat(context.getBean(McpSyncServer.class).listTools())
                    .extracting(t -> t.name()).contains("state_set", "state_get");
        });
    }

    @Test
    void propertiesReachTheFilterAndTheStore() {
        runner().withPropertyValues("mcp-state.max-body-bytes=1MB", "mcp-state.allowed-hosts=mcp.example.com",
                "mcp-state.allowed-origins=https://app.example.com", "mcp-state.keep-alive=5s",
                "mcp-state.session-idle-ttl=10m", "mcp-state.rate-limit=10", "mcp-state.rate-limit-burst=20",
                "mcp-state.node-dead-after=3s").run(context -> {
            InterceptorConfig config = context.getBean(InterceptorConfig.class);
            assertThat(config.maxBodyBytes()).isEqualTo(1024 * 1024);
            assertThat(config.allowedHosts()).containsExactly("mcp.example.com");
            assertThat(config.allowedOrigins()).containsExactly("https://app.example.com");
            assertThat(config.keepAlive()).isEqualTo(Duration.ofSeconds(5));
            assertThat(config.rateLimitPerSecond()).isEqualTo(10);
            assertThat(config.rateLimitBurst()).isEqualTo(20);
            assertThat(config.nodeDeadAfter()).isEqualTo(Duration.ofSeconds(3));
            assertThat(context.getBean(Storage.class).config().sessionIdleTtl()).isEqualTo(Duration.ofMinutes(10));
        });
    }

    @Test
    void redisPropertiesDescribeARedisStore() {
        McpStateProperties properties = new McpStateProperties();
        properties.setStore(McpStateProperties.Store.REDIS);
        properties.setRedisUrl("redis://127.0.0.1:6390");
        properties.setRedisKeyPrefix("app");
        StorageConfig config = properties.toStorageConfig();
        assertThat(config.backend()).isEqualTo(StorageConfig.Backend.REDIS);
        assertThat(config.redisUrl()).isEqualTo("redis://127.0.0.1:6390");
        assertThat(config.redisKeyPrefix()).isEqualTo("app");
    }

    @Test
    void redisClusterPropertiesDescribeAClusterThatWaitsForReplicas() {
        // the properties bound as the starter binds them; the store is not opened (no cluster listens here)
        new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class).withPropertyValues(
                "mcp-state.store=redis", "mcp-state.redis-cluster=127.0.0.1:7001,127.0.0.1:7002",
                "mcp-state.redis-wait-replicas=1", "mcp-state.redis-wait-timeout=250ms").run(context -> {
                    StorageConfig config = context.getBean(McpStateProperties.class).toStorageConfig();
                    assertThat(config.backend()).isEqualTo(StorageConfig.Backend.REDIS);
                    assertThat(config.redisClusterSeeds()).containsExactly("redis://127.0.0.1:7001",
                            "redis://127.0.0.1:7002");
                    assertThat(config.waitReplicas()).isEqualTo(1);
                    assertThat(config.waitTimeout()).isEqualTo(Duration.ofMillis(250));
                });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(McpStateProperties.class)
    static class PropertiesOnly {
    }

    @Test
    void aClusterWithoutTheRedisStoreIsRefused() {
        McpStateProperties properties = new McpStateProperties();
        properties.setRedisCluster(List.of("127.0.0.1:7001"));
        assertThatThrownBy(properties::toStorageConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mcp-state.store=redis");
        McpStateProperties negative = new McpStateProperties();
        negative.setRedisWaitReplicas(-1);
        assertThatThrownBy(negative::toStorageConfig).as("checked, not ignored")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("waitReplicas");
    }

    @Test
    void customizersRunAfterTheProperties() {
        runner().withUserConfiguration(CacheCustomizer.class).run(context ->
                assertThat(context.getBean(InterceptorConfig.class).sessionCacheSize()).isEqualTo(123));
    }

    @Test
    void anAuthenticatorBeanAuthenticatesTheFilter() {
        Authenticator tokens = StaticTokens.of(List.of("fedcba9876543210fedc bob"));
        runner().withBean(Authenticator.class, () -> tokens).run(context ->
                assertThat(context.getBean(InterceptorConfig.class).authenticator()).isSameAs(tokens));
    }

    @Test
    void authTokensAndAnAuthenticatorBeanTogetherFailTheStartup() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "0123456789abcdef0123 alice\n");
        runner().withPropertyValues("mcp-state.auth-tokens=" + tokens).run(context ->
                assertThat(context.getBean(InterceptorConfig.class).authenticator()).isNotNull());
        runner().withPropertyValues("mcp-state.auth-tokens=" + tokens)
                .withBean(Authenticator.class, () -> StaticTokens.of(List.of("fedcba9876543210fedc bob")))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("keep one"));
    }

    @Configuration(proxyBeanMethods = false)
    static class CacheCustomizer {
        @Bean
        McpStateCustomizer cacheSize() {
            return settings -> settings.sessionCacheSize(123);
        }
    }

    @Test
    void healthIsUpWhileTheStoreAnswersAndDownOnceItCannot() {
        runner().run(context -> {
                    McpStateHealthIndicator health = context.getBean(McpStateHealthIndicator.class);
                    var up = health.health();
                    assertThat(up.getStatus().getCode()).isEqualTo("UP");
                    assertThat(up.getDetails()).containsAllEntriesOf(Map.of("store", "sqlite", "shared", false,
                            "node", "unit-node"));
                    context.getBean(Storage.class).close();
                    assertThat(health.health().getStatus().getCode()).isEqualTo("DOWN");
                });
    }
}
