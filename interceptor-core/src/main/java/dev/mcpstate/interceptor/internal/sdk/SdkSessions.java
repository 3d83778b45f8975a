package dev.mcpstate.interceptor.internal.sdk;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.DefaultMcpStreamableServerSessionFactory;
import io.modelcontextprotocol.server.McpNotificationHandler;
import io.modelcontextprotocol.server.McpRequestHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place where mcp-state reaches into the MCP Java SDK's internals: the session registry of
 * {@link HttpServletStreamableServerTransportProvider} (a private {@code ConcurrentHashMap}) and the handler maps of
 * {@link DefaultMcpStreamableServerSessionFactory}, which the SDK offers no public way to read.
 *
 * <p>With them a session persisted elsewhere is <em>admitted</em> into this node's SDK under its original
 * {@code Mcp-Session-Id}, so {@code exchange.sessionId()} is the same on every node and after restarts. Checked
 * against MCP Java SDK 2.0.1 and 2.2.0 ({@link #SUPPORTED_SDK_VERSIONS}); {@code SdkSessionsTest} fails loudly when
 * an SDK upgrade moves these internals, and the constructor fails at startup naming the SDK version and the field.
 *
 * <p>Thread-safe. Errors: {@link IllegalStateException} when the SDK's internals are not as expected, or when the
 * server was not built yet ({@code McpServer.sync(transport)...build()} sets the session factory).
 */
public final class SdkSessions {

    /** The MCP Java SDK versions whose internals this class knows, as the README states them. */
    public static final String SUPPORTED_SDK_VERSIONS = "2.0.1 to 2.2.x";

    private final HttpServletStreamableServerTransportProvider provider;
    private final Internals internals;
    private final McpJsonMapper jsonMapper;
    private final ConcurrentHashMap<String, McpStreamableServerSession> sessions;

    /**
     * Resolves every SDK internal that admission uses — the provider's session registry and session factory, the
     * default factory's five fields and the SDK session's constructor — so that an SDK whose internals moved fails
     * here, when the filter starts, not at the first admission.
     *
     * @param provider   the SDK servlet; not null
     * @param jsonMapper the SDK JSON mapper used to read persisted initialize params; not null
     * @throws IllegalStateException when the SDK's internals are not as expected; its message names the SDK version
     *         on the classpath, the class and member it missed, and the supported versions
     */
    @SuppressWarnings("unchecked")
    public SdkSessions(HttpServletStreamableServerTransportProvider provider, McpJsonMapper jsonMapper) {
        this.provider = Objects.requireNonNull(provider, "provider must not be null");
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper must not be null");
        this.internals = Internals.resolve();
        this.sessions = (ConcurrentHashMap<String, McpStreamableServerSession>) read(internals.sessions(), provider);
    }

    /** @return true when this node's SDK holds the session */
    public boolean contains(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    /** @return this node's SDK session, or null */
    public McpStreamableServerSession get(String sessionId) {
        return sessions.get(sessionId);
    }

    /** @return how many sessions this node's SDK holds now; cheap */
    public int count() {
        return sessions.size();
    }

    /** @return the ids of the sessions this node's SDK holds; a snapshot */
    public Set<String> ids() {
        return Set.copyOf(sessions.keySet());
    }

    /**
     * Creates an SDK session with a given id, as if the client had just initialized it on this node, unless the
     * SDK holds that id already.
     *
     * @param sessionId        the persisted {@code Mcp-Session-Id}; not null
     * @param initializeParams the persisted JSON params of the client's {@code initialize}; not null
     * @return the SDK session now registered under that id (a concurrent admission may have won)
     * @throws IllegalStateException when the params cannot be read or the SDK's factory is not the default one
     */
    public McpStreamableServerSession admit(String sessionId, String initializeParams) {
        McpStreamableServerSession existing = sessions.get(sessionId);
        if (existing != null) {
            return existing;
        }
        McpSchema.InitializeRequest init;
        try {
            init = jsonMapper.readValue(initializeParams, McpSchema.InitializeRequest.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored initialize params of session " + sessionId + " are unreadable",
                    e);
        }
        FactoryParts parts = factoryParts();
        McpStreamableServerSession session = new McpStreamableServerSession(sessionId, init.capabilities(),
                init.clientInfo(), parts.requestTimeout(), parts.requestHandlers(), parts.notificationHandlers(),
                () -> parts.onClose().apply(sessionId), parts.jsonSchemaValidator());
        McpStreamableServerSession raced = sessions.putIfAbsent(sessionId, session);
        return raced != null ? raced : session;
    }

    /**
     * Attaches a listening stream to an SDK session, so that messages the server sends outside any request
     * (list-changed and logging notifications, {@code notifyClients}) reach {@code transport} even when no client
     * holds a GET stream on this node.
     *
     * @return false when this node's SDK does not hold the session
     */
    public boolean attachListeningStream(String sessionId, McpStreamableServerTransport transport) {
        McpStreamableServerSession session = sessions.get(sessionId);
        if (session == null) {
            return false;
        }
        session.listeningStream(transport);
        return true;
    }

    /**
     * Drops a session from this node's SDK and closes it, as the SDK does on DELETE. Idempotent.
     */
    public void evict(String sessionId) {
        McpStreamableServerSession session = sessions.remove(sessionId);
        if (session != null) {
            session.closeGracefully().onErrorResume(e -> Mono.empty()).subscribe();
        }
    }

    private FactoryParts factoryParts() {
        Object factory = read(internals.sessionFactory(), provider);
        if (factory == null) {
            throw new IllegalStateException("the MCP server is not built yet: call McpServer.sync(transport)"
                    + "...build() before serving requests");
        }
        if (!(factory instanceof DefaultMcpStreamableServerSessionFactory)) {
            throw new IllegalStateException("mcp-state admits sessions only with the SDK's default session factory,"
                    + " found " + factory.getClass().getName());
        }
        return new FactoryParts(factory, internals);
    }

    /** The SDK's private members admission uses, resolved once when the filter starts. */
    private record Internals(Field sessions, Field sessionFactory, Field requestTimeout, Field requestHandlers,
            Field notificationHandlers, Field onClose, Field jsonSchemaValidator) {

        static Internals resolve() {
            Class<?> provider = HttpServletStreamableServerTransportProvider.class;
            Class<?> factory = DefaultMcpStreamableServerSessionFactory.class;
            requireConstructor(McpStreamableServerSession.class, String.class, McpSchema.ClientCapabilities.class,
                    McpSchema.Implementation.class, Duration.class, Map.class, Map.class, Supplier.class,
                    JsonSchemaValidator.class);
            return new Internals(field(provider, "sessions", ConcurrentHashMap.class),
                    field(provider, "sessionFactory", Object.class),
                    field(factory, "requestTimeout", Duration.class), field(factory, "requestHandlers", Map.class),
                    field(factory, "notificationHandlers", Map.class), field(factory, "onClose", Function.class),
                    field(factory, "jsonSchemaValidator", JsonSchemaValidator.class));
        }
    }

    /** The handler maps and settings of the SDK's default session factory. */
    private static final class FactoryParts {
        private final Object factory;
        private final Internals internals;

        FactoryParts(Object factory, Internals internals) {
            this.factory = factory;
            this.internals = internals;
        }

        Duration requestTimeout() {
            return (Duration) read(internals.requestTimeout(), factory);
        }

        @SuppressWarnings("unchecked")
        Map<String, McpRequestHandler<?>> requestHandlers() {
            return (Map<String, McpRequestHandler<?>>) read(internals.requestHandlers(), factory);
        }

        @SuppressWarnings("unchecked")
        Map<String, McpNotificationHandler> notificationHandlers() {
            return (Map<String, McpNotificationHandler>) read(internals.notificationHandlers(), factory);
        }

        @SuppressWarnings("unchecked")
        Function<String, Mono<Void>> onClose() {
            return (Function<String, Mono<Void>>) read(internals.onClose(), factory);
        }

        JsonSchemaValidator jsonSchemaValidator() {
            return (JsonSchemaValidator) read(internals.jsonSchemaValidator(), factory);
        }
    }

    /** @return the version of the SDK on the classpath, from its jar's manifest or file name; "unknown" without */
    static String sdkVersion() {
        Package sdk = HttpServletStreamableServerTransportProvider.class.getPackage();
        if (sdk != null && sdk.getImplementationVersion() != null) {
            return sdk.getImplementationVersion();
        }
        try {
            String jar = HttpServletStreamableServerTransportProvider.class.getProtectionDomain().getCodeSource()
                    .getLocation().getPath();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("mcp-core-([^/]+)\\.jar$").matcher(jar);
            return m.find() ? m.group(1) : "unknown";
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * @return the declared field, made accessible, when its type is {@code expected} or a subtype of it
     * @throws IllegalStateException naming the SDK version, the field and the supported versions, when it is missing
     *         or of another type
     */
    static Field field(Class<?> type, String name, Class<?> expected) {
        Field field;
        try {
            field = type.getDeclaredField(name);
            field.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unsupported(type.getName() + "." + name + " is not readable", e);
        }
        if (!expected.isAssignableFrom(field.getType())) {
            throw unsupported(type.getName() + "." + name + " is a " + field.getType().getName() + ", not a "
                    + expected.getName(), null);
        }
        return field;
    }

    /** @throws IllegalStateException as {@link #field} does, when the type has no such public constructor */
    static void requireConstructor(Class<?> type, Class<?>... parameters) {
        try {
            type.getConstructor(parameters);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unsupported(type.getName() + " has no constructor of " + parameters.length + " parameters as "
                    + "expected", e);
        }
    }

    private static IllegalStateException unsupported(String what, Exception cause) {
        return new IllegalStateException("MCP Java SDK " + sdkVersion() + " is not supported: its internals changed ("
                + what + "); mcp-state supports SDK " + SUPPORTED_SDK_VERSIONS, cause);
    }

    private static Object read(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw unsupported(field.getDeclaringClass().getName() + "." + field.getName() + " is not readable", e);
        }
    }
}
