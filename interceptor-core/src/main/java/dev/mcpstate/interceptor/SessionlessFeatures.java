package dev.mcpstate.interceptor;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.modern.McpException;
import io.modelcontextprotocol.modern.server.McpFeature;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.McpSyncNotifier;
import io.modelcontextprotocol.modern.server.McpSyncResponse;
import io.modelcontextprotocol.modern.server.feature.McpSyncCompletionHandler;
import io.modelcontextprotocol.modern.server.feature.McpSyncPrompt;
import io.modelcontextprotocol.modern.server.feature.McpSyncPromptRepository;
import io.modelcontextprotocol.modern.server.feature.McpSyncResource;
import io.modelcontextprotocol.modern.server.feature.McpSyncResourceRepository;
import io.modelcontextprotocol.modern.server.feature.McpSyncResourceTemplate;
import io.modelcontextprotocol.modern.server.feature.McpSyncTool;
import io.modelcontextprotocol.modern.server.feature.McpSyncToolRepository;
import io.modelcontextprotocol.modern.server.feature.PromptsFeature;
import io.modelcontextprotocol.modern.server.feature.PromptsPage;
import io.modelcontextprotocol.modern.server.feature.ResourceTemplatesPage;
import io.modelcontextprotocol.modern.server.feature.ResourcesFeature;
import io.modelcontextprotocol.modern.server.feature.ResourcesPage;
import io.modelcontextprotocol.modern.server.feature.ToolsFeature;
import io.modelcontextprotocol.modern.server.feature.ToolsPage;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpLoggableSession;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.util.DefaultMcpUriTemplateManagerFactory;
import io.modelcontextprotocol.util.McpUriTemplateManager;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Serves the tools, resources, prompts and completions of the session era on the SDK's modern server too, so each
 * is defined once (as the SDK's {@code McpServerFeatures.Sync*Specification}) and both protocol eras of one endpoint
 * offer it (spec 2026-07-28, "Versioning": dual-era servers).
 *
 * <p>What a handler sees in the era without sessions: an {@link McpSyncServerExchange} whose
 * {@code transportContext()}, client capabilities and client info are those of the request ({@code _meta}), whose
 * {@code sessionId()} is null, and whose notifications go to the request's response stream —
 * {@code notifications/progress} when the request carries a {@code progressToken}, {@code notifications/message}
 * when its {@code _meta} asks for {@code io.modelcontextprotocol/logLevel} (at that level or above; spec 2026-07-28,
 * "Logging"); otherwise they are dropped, and the answer is a plain JSON response. Server-to-client requests
 * (sampling, elicitation, roots, ping) do not exist in that era — it asks for input with an
 * {@code InputRequiredResult} instead — so {@code createMessage}, {@code createElicitation}, {@code listRoots} and
 * {@code ping} fail with JSON-RPC {@code -32601}. An {@link McpError} a handler throws keeps its code, message and
 * data; any other exception is the SDK's {@code -32603 Internal error}. Definitions and results are translated
 * between the two schemas through JSON, field by field.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class SessionlessFeatures {

    /** The {@code _meta} key with which a request of the era without sessions asks for log messages. */
    public static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";

    private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {
    };

    private final McpJsonMapper json;
    private final List<SyncToolSpecification> tools;
    private final List<McpSyncTool> sessionlessTools;
    private final List<SyncResourceSpecification> resources;
    private final List<SyncResourceTemplateSpecification> templates;
    private final List<SyncPromptSpecification> prompts;
    private final List<McpSyncPrompt> sessionlessPrompts;
    private final List<SyncCompletionSpecification> completions;
    private final boolean subscribe;

    private SessionlessFeatures(Builder b) {
        this.json = b.json;
        this.tools = List.copyOf(b.tools);
        this.sessionlessTools = List.copyOf(b.sessionlessTools);
        this.resources = List.copyOf(b.resources);
        this.templates = List.copyOf(b.templates);
        this.prompts = List.copyOf(b.prompts);
        this.sessionlessPrompts = List.copyOf(b.sessionlessPrompts);
        this.completions = List.copyOf(b.completions);
        this.subscribe = b.subscribe;
    }

    /** @return a builder with no features */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the SDK features for {@code McpServer.builder().features(...)}: a tools feature when there are tools, a
     *         resources feature when there are resources or templates, a prompts feature when there are prompts
     */
    public List<McpFeature> features() {
        List<McpFeature> features = new ArrayList<>();
        if (!tools.isEmpty() || !sessionlessTools.isEmpty()) {
            features.add(ToolsFeature.ofSync(new Tools()));
        }
        if (!resources.isEmpty() || !templates.isEmpty()) {
            features.add(ResourcesFeature.ofSync(new Resources()));
        }
        if (!prompts.isEmpty() || !sessionlessPrompts.isEmpty()) {
            features.add(PromptsFeature.ofSync(new Prompts()));
        }
        return features;
    }

    private <T> T convert(Object value, Class<T> type) {
        return value == null ? null : json.convertValue(value, type);
    }

    /** Runs a handler of the session era for one request of the era without sessions. */
    private <R> McpSyncResponse<R> respond(McpRequestContext ctx, Class<? extends R> resultType,
            java.util.function.Function<McpSyncServerExchange, Object> handler) {
        boolean streams = ctx.progressToken() != null || ctx.meta().get(META_LOG_LEVEL) instanceof String;
        if (!streams) {
            return McpSyncResponse.result(call(ctx, null, resultType, handler));
        }
        return McpSyncResponse.streaming(notifier -> call(ctx, notifier, resultType, handler));
    }

    private <R> R call(McpRequestContext ctx, McpSyncNotifier notifier, Class<? extends R> resultType,
            java.util.function.Function<McpSyncServerExchange, Object> handler) {
        McpSyncServerExchange exchange = new McpSyncServerExchange(new McpAsyncServerExchange(null,
                new RequestSession(ctx, notifier), convert(ctx.clientCapabilities(), McpSchema.ClientCapabilities.class),
                convert(ctx.clientInfo(), McpSchema.Implementation.class), ctx.transportContext()));
        try {
            return convert(handler.apply(exchange), resultType);
        } catch (McpError e) {
            McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
            throw error == null ? new McpException(-32603, "Internal error")
                    : new McpException(error.code(), error.message(), error.data());
        }
    }

    /** The legacy request of a modern one: its params as the legacy schema reads them. */
    private <T> T legacyRequest(Object request, Class<T> type) {
        Map<String, Object> params = new LinkedHashMap<>(json.convertValue(request, MAP));
        params.remove("inputResponses");
        params.remove("requestState");
        return json.convertValue(params, type);
    }

    private BiFunction<McpSyncServerExchange, McpSchema.CompleteRequest, McpSchema.CompleteResult> completion(
            McpSchema.CompleteReference ref) {
        for (SyncCompletionSpecification spec : completions) {
            if (spec.referenceKey().equals(ref)) {
                return spec.completionHandler();
            }
        }
        return null;
    }

    private McpSyncCompletionHandler modernCompletion(
            BiFunction<McpSyncServerExchange, McpSchema.CompleteRequest, McpSchema.CompleteResult> handler) {
        return (ctx, request) -> call(ctx, null, io.modelcontextprotocol.modern.McpSchema.CompleteResult.class,
                exchange -> handler.apply(exchange, legacyRequest(request, McpSchema.CompleteRequest.class)));
    }

    private final class Tools implements McpSyncToolRepository {
        private final List<io.modelcontextprotocol.modern.McpSchema.Tool> definitions = tools.stream()
                .map(t -> convert(t.tool(), io.modelcontextprotocol.modern.McpSchema.Tool.class)).toList();
        private final List<io.modelcontextprotocol.modern.McpSchema.Tool> all = java.util.stream.Stream.concat(
                definitions.stream(), sessionlessTools.stream().map(McpSyncTool::definition)).toList();

        @Override
        public ToolsPage list(McpRequestContext ctx, String cursor) {
            return ToolsPage.of(all);
        }

        @Override
        public McpSyncTool find(McpRequestContext ctx, String name) {
            for (int i = 0; i < tools.size(); i++) {
                SyncToolSpecification spec = tools.get(i);
                if (spec.tool().name().equals(name)) {
                    return McpSyncTool.of(definitions.get(i), (c, request) -> respond(c,
                            io.modelcontextprotocol.modern.McpSchema.CallToolResult.class,
                            exchange -> spec.callHandler().apply(exchange,
                                    legacyRequest(request, McpSchema.CallToolRequest.class))));
                }
            }
            return sessionlessTools.stream().filter(t -> t.definition().name().equals(name)).findFirst()
                    .orElse(null);
        }
    }

    private final class Resources implements McpSyncResourceRepository {
        private final List<io.modelcontextprotocol.modern.McpSchema.Resource> definitions = resources.stream()
                .map(r -> convert(r.resource(), io.modelcontextprotocol.modern.McpSchema.Resource.class)).toList();
        private final List<io.modelcontextprotocol.modern.McpSchema.ResourceTemplate> templateDefinitions =
                templates.stream().map(t -> convert(t.resourceTemplate(),
                        io.modelcontextprotocol.modern.McpSchema.ResourceTemplate.class)).toList();
        private final List<McpUriTemplateManager> matchers = templates.stream()
                .map(t -> new DefaultMcpUriTemplateManagerFactory().create(t.resourceTemplate().uriTemplate()))
                .toList();

        @Override
        public ResourcesPage list(McpRequestContext ctx, String cursor) {
            return ResourcesPage.of(definitions);
        }

        @Override
        public ResourceTemplatesPage listTemplates(McpRequestContext ctx, String cursor) {
            return ResourceTemplatesPage.of(templateDefinitions);
        }

        @Override
        public McpSyncResource find(McpRequestContext ctx, String uri) {
            for (SyncResourceSpecification spec : resources) {
                if (spec.resource().uri().equals(uri)) {
                    return read(spec.readHandler());
                }
            }
            for (int i = 0; i < templates.size(); i++) {
                if (matchers.get(i).matches(uri)) {
                    return read(templates.get(i).readHandler());
                }
            }
            return null;
        }

        private McpSyncResource read(BiFunction<McpSyncServerExchange, McpSchema.ReadResourceRequest,
                McpSchema.ReadResourceResult> handler) {
            return McpSyncResource.of((ctx, request) -> respond(ctx,
                    io.modelcontextprotocol.modern.McpSchema.ReadResourceResult.class,
                    exchange -> handler.apply(exchange, legacyRequest(request, McpSchema.ReadResourceRequest.class))));
        }

        @Override
        public McpSyncResourceTemplate findTemplate(McpRequestContext ctx, String uriTemplate) {
            for (int i = 0; i < templates.size(); i++) {
                if (templates.get(i).resourceTemplate().uriTemplate().equals(uriTemplate)) {
                    McpSyncResourceTemplate template = McpSyncResourceTemplate.of(templateDefinitions.get(i));
                    var handler = completion(new McpSchema.ResourceReference(uriTemplate));
                    return handler == null ? template : template.withCompletionHandler(modernCompletion(handler));
                }
            }
            return null;
        }

        @Override
        public boolean supportsSubscribe() {
            return subscribe;
        }

        @Override
        public boolean supportsCompletion() {
            return completions.stream().anyMatch(c -> c.referenceKey() instanceof McpSchema.ResourceReference);
        }
    }

    private final class Prompts implements McpSyncPromptRepository {
        private final List<io.modelcontextprotocol.modern.McpSchema.Prompt> definitions = prompts.stream()
                .map(p -> convert(p.prompt(), io.modelcontextprotocol.modern.McpSchema.Prompt.class)).toList();
        private final List<io.modelcontextprotocol.modern.McpSchema.Prompt> all = java.util.stream.Stream.concat(
                definitions.stream(), sessionlessPrompts.stream().map(McpSyncPrompt::definition)).toList();

        @Override
        public PromptsPage list(McpRequestContext ctx, String cursor) {
            return PromptsPage.of(all);
        }

        @Override
        public McpSyncPrompt find(McpRequestContext ctx, String name) {
            for (int i = 0; i < prompts.size(); i++) {
                SyncPromptSpecification spec = prompts.get(i);
                if (spec.prompt().name().equals(name)) {
                    McpSyncPrompt prompt = McpSyncPrompt.of(definitions.get(i), (c, request) -> respond(c,
                            io.modelcontextprotocol.modern.McpSchema.GetPromptResult.class,
                            exchange -> spec.promptHandler().apply(exchange,
                                    legacyRequest(request, McpSchema.GetPromptRequest.class))));
                    var handler = completion(new McpSchema.PromptReference(name));
                    return handler == null ? prompt : prompt.withCompletionHandler(modernCompletion(handler));
                }
            }
            return sessionlessPrompts.stream().filter(p -> p.definition().name().equals(name)).findFirst()
                    .orElse(null);
        }

        @Override
        public boolean supportsCompletion() {
            return completions.stream().anyMatch(c -> c.referenceKey() instanceof McpSchema.PromptReference);
        }
    }

    /**
     * The session a handler's exchange talks to: the response stream of one request of the era without sessions.
     */
    private static final class RequestSession implements McpLoggableSession {
        private final McpSyncNotifier notifier;
        private final McpSchema.LoggingLevel logLevel;

        RequestSession(McpRequestContext ctx, McpSyncNotifier notifier) {
            this.notifier = notifier;
            McpSchema.LoggingLevel level = null;
            if (ctx.meta().get(META_LOG_LEVEL) instanceof String name) {
                try {
                    level = McpSchema.LoggingLevel.fromValue(name);
                } catch (RuntimeException e) {
                    level = null;
                }
            }
            this.logLevel = level;
        }

        @Override
        public <T> Mono<T> sendRequest(String method, Object requestParams, TypeRef<T> typeRef) {
            return Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(-32601,
                    "Method not found: " + method + " is not sent to clients of protocol 2026-07-28, which are asked "
                            + "for input with an input_required result", null)));
        }

        @Override
        public Mono<Void> sendNotification(String method, Object params) {
            boolean allowed = notifier != null && (!McpSchema.METHOD_NOTIFICATION_MESSAGE.equals(method)
                    || logLevel != null);
            return allowed ? Mono.fromRunnable(() -> notifier.notify(method, params)) : Mono.empty();
        }

        @Override
        public void setMinLoggingLevel(McpSchema.LoggingLevel minLoggingLevel) {
            // the era without sessions sets the level per request, in _meta
        }

        @Override
        public boolean isNotificationForLevelAllowed(McpSchema.LoggingLevel level) {
            return notifier != null && logLevel != null && level.level() >= logLevel.level();
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }

        @Override
        public void close() {
            // nothing is held
        }
    }

    /** Builds {@link SessionlessFeatures}; not thread-safe. */
    public static final class Builder {
        private McpJsonMapper json = McpJsonDefaults.getMapper();
        private final List<SyncToolSpecification> tools = new ArrayList<>();
        private final List<McpSyncTool> sessionlessTools = new ArrayList<>();
        private final List<SyncResourceSpecification> resources = new ArrayList<>();
        private final List<SyncResourceTemplateSpecification> templates = new ArrayList<>();
        private final List<SyncPromptSpecification> prompts = new ArrayList<>();
        private final List<McpSyncPrompt> sessionlessPrompts = new ArrayList<>();
        private final List<SyncCompletionSpecification> completions = new ArrayList<>();
        private boolean subscribe;

        private Builder() {
        }

        /** @param json the mapper that translates between the schemas; not null */
        public Builder jsonMapper(McpJsonMapper json) {
            this.json = Objects.requireNonNull(json, "json must not be null");
            return this;
        }

        /** @param tools the session era's tool specifications; not null */
        public Builder tools(List<SyncToolSpecification> tools) {
            this.tools.addAll(tools);
            return this;
        }

        /**
         * @param tools tools only the era without sessions serves, on the SDK's modern API — e.g. ones that ask for
         *              input with an {@code InputRequiredResult} and carry {@code requestState}; not null
         */
        public Builder sessionlessTools(List<McpSyncTool> tools) {
            this.sessionlessTools.addAll(tools);
            return this;
        }

        /** @param resources the session era's resource specifications; not null */
        public Builder resources(List<SyncResourceSpecification> resources) {
            this.resources.addAll(resources);
            return this;
        }

        /** @param templates the session era's resource template specifications; not null */
        public Builder resourceTemplates(List<SyncResourceTemplateSpecification> templates) {
            this.templates.addAll(templates);
            return this;
        }

        /** @param prompts the session era's prompt specifications; not null */
        public Builder prompts(List<SyncPromptSpecification> prompts) {
            this.prompts.addAll(prompts);
            return this;
        }

        /** @param prompts prompts only the era without sessions serves, on the SDK's modern API; not null */
        public Builder sessionlessPrompts(List<McpSyncPrompt> prompts) {
            this.sessionlessPrompts.addAll(prompts);
            return this;
        }

        /** @param completions the session era's completion specifications (prompts and templates); not null */
        public Builder completions(List<SyncCompletionSpecification> completions) {
            this.completions.addAll(completions);
            return this;
        }

        /**
         * @param subscribe whether clients may subscribe to resource updates ({@code resourceSubscriptions} of
         *                  {@code subscriptions/listen}); needs a server built with {@code .subscriptions(feed)}
         */
        public Builder resourceSubscriptions(boolean subscribe) {
            this.subscribe = subscribe;
            return this;
        }

        /** @return the features */
        public SessionlessFeatures build() {
            return new SessionlessFeatures(this);
        }
    }
}
