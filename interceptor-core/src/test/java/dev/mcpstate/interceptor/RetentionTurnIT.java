package dev.mcpstate.interceptor;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one Redis run retention every 100 ms, but its store-wide part (purge and trim) only on their turn:
 * while a third party holds the turn, neither purges a session idle past its TTL (each still evicts it from its own
 * SDK); once the holder gives the turn up, one of them takes it and purges.
 */
class RetentionTurnIT {

    private static final Duration TTL = Duration.ofHours(1);

    private final MutableClock clock = new MutableClock();
    private final StorageConfig config = StorageConfig.redis(RedisTestServer.url()).toBuilder()
            .redisKeyPrefix("turn" + UUID.randomUUID().toString().substring(0, 8)).sessionIdleTtl(TTL).build();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Storage storage() {
        Storage storage = Storage.open(config, clock);
        open.add(storage);
        return storage;
    }

    private FilterHarness node(String id) {
        FilterHarness node = FilterHarness.on(storage(), clock).nodeId(id)
                .config(b -> b.sweepInterval(Duration.ofMillis(100))).start();
        open.add(node);
        return node;
    }

    @Test
    void onlyTheNodeWhoseTurnItIsPurgesAndAnotherTakesTheTurnOnceItIsGivenUp() {
        ClusterBus holder = storage().openBus("holder#1", Duration.ofSeconds(1), Duration.ofSeconds(5));
        open.add(holder);
        assertThat(holder.claimTurn("retention", Duration.ofMinutes(5))).isTrue();
        FilterHarness a = node("a");
        FilterHarness b = node("b");
        String session = a.openSession();
        assertThat(b.callTool(session, 1, "echo", "{\"text\":\"x\"}").status()).isEqualTo(200);
        Storage store = a.storage();
        clock.advance(TTL.plusMinutes(1));

        FilterHarness.await().until(() -> !a.filter().localSessionIds().contains(session)
                && !b.filter().localSessionIds().contains(session));
        FilterHarness.await().during(Duration.ofMillis(500)).until(() -> store.sessions().find(session).isPresent());
        assertThat(store.sessions().find(session).orElseThrow().status()).isEqualTo(SessionStatus.EXPIRED);

        holder.close();

        FilterHarness.await().until(() -> store.sessions().find(session).isEmpty());
    }
}
