package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.interceptor.internal.capture.CachedBodyRequest;
import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Exchange.MessageKind;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.resume.StreamHub;
import dev.mcpstate.interceptor.internal.resume.StreamIds;
import dev.mcpstate.interceptor.internal.route.RoutedIds;
import dev.mcpstate.interceptor.internal.route.RoutedIds.Route;
import dev.mcpstate.store.Direction;
import jakarta.servlet.ServletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Delivers a client's JSON-RPC <em>response</em> (to elicitation, sampling, roots, ping) to the node
 * instance whose SDK issued the request, whichever node the POST landed on.
 *
 * <p>The id says where to go ({@link RoutedIds}). Issued here: the SDK gets the response with its own id back.
 * Issued elsewhere: the message is stored, sent over the {@link ClusterBus}, and the client gets {@code 202} like
 * the SDK would answer. If the issuing node is gone the request died with it; the response is stored and logged.
 */
public final class ResponseRouting implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(ResponseRouting.class);

    private final ClusterBus bus;
    private final StreamHub hub;

    /**
     * @param bus the cluster bus; not null
     * @param hub appends the response as an event; not null
     */
    public ResponseRouting(ClusterBus bus, StreamHub hub) {
        this.bus = Objects.requireNonNull(bus, "bus must not be null");
        this.hub = Objects.requireNonNull(hub, "hub must not be null");
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        Optional<Route> route = exchange.kind() == MessageKind.RESPONSE && exchange.session() != null
                ? RoutedIds.route(exchange.messageId()) : Optional.empty();
        if (route.isEmpty()) {
            chain.proceed();
            return;
        }
        String restored = RoutedIds.restore(exchange.message(), route.get());
        if (route.get().owner().equals(bus.owner())) {
            exchange.request(new CachedBodyRequest(exchange.request(),
                    restored.getBytes(StandardCharsets.UTF_8)));
            chain.proceed();
            return;
        }
        String sessionId = exchange.session().sessionId();
        hub.append(sessionId, StreamIds.newResponseStream(), Direction.CLIENT_TO_SERVER,
                new String(exchange.body(), StandardCharsets.UTF_8));
        boolean delivered = bus.sendResponse(route.get().owner(), sessionId, restored);
        if (!delivered) {
            log.warn("response for a request of a node that is gone: session={} owner={}", sessionId,
                    route.get().owner());
        }
        exchange.response().setStatus(202);
    }
}
