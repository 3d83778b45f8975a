package dev.mcpstate.interceptor;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.StoreException;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.modern.server.feature.McpChangeBroadcaster;
import io.modelcontextprotocol.modern.server.feature.McpChangeFeed;
import io.modelcontextprotocol.modern.server.feature.McpChangePublisher;
import io.modelcontextprotocol.modern.server.feature.ServerChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The change feed of {@code subscriptions/listen} (MCP spec 2026-07-28, "Subscriptions") for nodes sharing a store:
 * a change broadcast on any node reaches the listeners of every node, once each.
 *
 * <p>Each node has its own SDK {@link McpChangeFeed}, which its listeners follow ({@link #changes()}).
 * {@link #broadcast} hands a change to this node's feed and publishes it on the cluster bus
 * ({@link ClusterBus#publishServerChange}, on Redis the channel {@code <prefix>:changes}); every other node feeds it
 * to its own feed. A bus never hands a node its own message back, so no listener sees a change twice. Changes
 * broadcast from one node arrive everywhere in the order they were broadcast. Until the filter that carries it is
 * started ({@link McpStateFilter#broadcastChangesThrough}) and after it stops, changes reach this node only.
 *
 * <p>Crosses nodes: the SDK's four kinds ({@link ServerChange.ToolsListChanged},
 * {@link ServerChange.PromptsListChanged}, {@link ServerChange.ResourcesListChanged},
 * {@link ServerChange.ResourceUpdated}); a change of another kind reaches this node's listeners only.
 *
 * <p>Thread-safe. Pass it to {@code McpServer.builder().subscriptions(feed)} and broadcast through it.
 */
public final class ClusterChangeFeed implements McpChangePublisher, McpChangeBroadcaster, ClusterBusListener {

    private static final Logger log = LoggerFactory.getLogger(ClusterChangeFeed.class);
    private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {
    };

    private final McpChangeFeed local = new McpChangeFeed();
    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private volatile ClusterBus bus;

    /**
     * Delivers a change to this node's listeners, then to every other node's.
     *
     * @param change not null
     * @throws StoreException when the cluster bus cannot send it (this node's listeners have it already)
     */
    @Override
    public void broadcast(ServerChange change) {
        local.broadcast(change);
        ClusterBus target = bus;
        String text = target == null ? null : encode(change);
        if (text != null) {
            target.publishServerChange(text);
        }
    }

    /** @return the changes of every node, as this node's listeners see them; hot, never completes */
    @Override
    public Flux<ServerChange> changes() {
        return local.changes();
    }

    /** Starts carrying changes over {@code bus}; called when the filter starts. */
    @Override
    public void attach(ClusterBus bus) {
        bus.onServerChange(this::receive);
        this.bus = bus;
    }

    /** Stops publishing over {@code bus}; called when the filter stops. */
    @Override
    public void detach(ClusterBus bus) {
        if (this.bus == bus) {
            this.bus = null;
        }
    }

    private void receive(String text) {
        if (bus == null) {
            return;
        }
        ServerChange change = decode(text);
        if (change != null) {
            local.broadcast(change);
        }
    }

    private String encode(ServerChange change) {
        if (!(change instanceof ServerChange.ToolsListChanged || change instanceof ServerChange.PromptsListChanged
                || change instanceof ServerChange.ResourcesListChanged
                || change instanceof ServerChange.ResourceUpdated)) {
            log.debug("server change of a kind the cluster does not carry, kept on this node: {}", change.method());
            return null;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("method", change.method());
        message.put("params", change.params());
        try {
            return json.writeValueAsString(message);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize the server change " + change.method(), e);
        }
    }

    /** @return the change a message names, or null, logged once, for one this version cannot read or does not know */
    private ServerChange decode(String text) {
        ServerChange change;
        try {
            Map<String, Object> message = json.readValue(text, MAP);
            Object params = message.get("params");
            change = switch (String.valueOf(message.get("method"))) {
                case "notifications/tools/list_changed" -> new ServerChange.ToolsListChanged();
                case "notifications/prompts/list_changed" -> new ServerChange.PromptsListChanged();
                case "notifications/resources/list_changed" -> new ServerChange.ResourcesListChanged();
                case "notifications/resources/updated" -> params instanceof Map<?, ?> p && p.get("uri") instanceof String uri
                        ? new ServerChange.ResourceUpdated(uri) : null;
                default -> null;
            };
        } catch (IOException | RuntimeException e) {
            log.warn("unreadable server change from the cluster bus, dropped: {}", e.toString());
            return null;
        }
        if (change == null) {
            log.warn("server change from the cluster bus not understood, dropped: {}", text);
        }
        return change;
    }
}
