package dev.mcpstate.store.redis;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.EventStoreContract;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.testing.RedisTestServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmptyRedisBeforeEach.class)
class RedisEventStoreIT extends EventStoreContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.redis(RedisTestServer.url());
    }

    @Override
    protected boolean checksPrecedingEvents() {
        return true;
    }

    @Test
    void everyKeyOfASessionCarriesItsHashTagAndACleanupExpiryAndItsIndexEntriesAreInItsBucket() {
        try (Storage storage = Storage.open(config().toBuilder().redisKeyPrefix("tagged").build(), clock)) {
            String sid = newSessionId();
            storage.sessions().save(session(sid));
            storage.sessions().touch(sid, clock.instant());
            storage.sessions().updateStatus(sid, SessionStatus.CLOSED);
            storage.events().openStream(sid, "listen", StreamKind.LISTENING, "node-a");
            storage.events().append(sid, "listen", Direction.SERVER_TO_CLIENT, "{}");
            storage.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{}");
            RedisClusterCommands<String, String> redis = ((RedisBackend) storage.backend()).database().sync();

            List<String> keys = redis.keys("tagged:*");

            int bucket = RedisKeys.bucketOf(sid);
            List<String> ofTheSession = List.of("tagged:{" + sid + "}:session", "tagged:{" + sid + "}:streams",
                    "tagged:{" + sid + "}:event-streams", "tagged:{" + sid + "}:stream-ages",
                    "tagged:{" + sid + "}:seq",
                    "tagged:{" + sid + "}:events:listen", "tagged:{" + sid + "}:events:r1");
            assertThat(keys).containsExactlyInAnyOrderElementsOf(concat(ofTheSession,
                    List.of("tagged:sessions:{" + bucket + "}", "tagged:sessions:{" + bucket + "}:terminal")));
            assertThat(ofTheSession).allSatisfy(k -> assertThat(SlotHash.getSlot(k)).as(k)
                    .isEqualTo(SlotHash.getSlot("{" + sid + "}")));
            ofTheSession.forEach(k -> assertThat(redis.pttl(k)).as(k)
                    .isPositive().isLessThanOrEqualTo(((RedisBackend) storage.backend()).database().cleanupTtlMillis()));
            assertThat(redis.zscore("tagged:sessions:{" + bucket + "}", sid)).isEqualTo((double) clock.millis());
            assertThat(redis.smembers("tagged:sessions:{" + bucket + "}:terminal")).containsExactly(sid);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void trimVisitsOnlyStreamsWithOldEventsAndRemovesEveryKeyOfAClosedOneItEmptied() {
        Opened opened = openWithSession();
        EventStore events = opened.events();
        String sid = opened.sid();
        int old = 300; // more than the trim scripts a pass keeps in flight at once
        for (int i = 0; i < old; i++) {
            answer(events, sid, "r" + i);
        }
        events.openStream(sid, "listen", StreamKind.LISTENING, "node-a");
        events.append(sid, "listen", Direction.SERVER_TO_CLIENT, "{}");
        clock.advance(Duration.ofHours(25));
        for (int i = 0; i < 50; i++) {
            answer(events, sid, "recent" + i);
        }
        long scriptsBefore = scriptCalls();

        long removed = events.trim(clock.instant().minus(Duration.ofHours(24)), Instant.EPOCH);

        assertThat(scriptCalls() - scriptsBefore).as("one per session, one per stream with old events")
                .isEqualTo(1 + old + 1);
        assertThat(removed).isEqualTo(old + 1);
        assertThat(opened.redis().smembers(KEYS.eventStreams(sid))).hasSize(51).contains("listen", "recent0")
                .doesNotContain("r0");
        assertThat(opened.redis().hkeys(KEYS.streams(sid))).hasSize(102).doesNotContain("r0", "r0#n", "r299");
        assertThat(opened.redis().exists(KEYS.events(sid, "r0"), KEYS.events(sid, "r299"))).isZero();
        assertThat(opened.redis().exists(KEYS.events(sid, "listen"))).as("open: kept, empty").isOne();
        assertThat(opened.redis().zscore(KEYS.streamAges(sid), "listen")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(opened.redis().zscore(KEYS.streamAges(sid), "recent0")).isEqualTo((double) clock.millis());
        assertThat(opened.redis().zcard(KEYS.streamAges(sid))).isEqualTo(51);

        clock.advance(Duration.ofMinutes(1));
        events.append(sid, "listen", Direction.SERVER_TO_CLIENT, "{}");
        assertThat(opened.redis().zscore(KEYS.streamAges(sid), "listen")).as("aged again by its next event")
                .isEqualTo((double) clock.millis());
    }

    @Test
    void closedStreamsGoWholeManyOfASessionPerScriptAndLeaveNoKeyOfTheirs() {
        Opened opened = openWithSession();
        EventStore events = opened.events();
        String sid = opened.sid();
        int closed = 3 * RedisEventStore.REMOVALS_PER_SCRIPT + 10;
        for (int i = 0; i < closed; i++) {
            answer(events, sid, "r" + i);
        }
        events.openStream(sid, "listen", StreamKind.LISTENING, "node-a");
        events.append(sid, "listen", Direction.SERVER_TO_CLIENT, "{}");
        clock.advance(Duration.ofMinutes(11));
        answer(events, sid, "recent");
        long scriptsBefore = scriptCalls();

        long removed = events.trim(clock.instant().minus(Duration.ofHours(24)),
                clock.instant().minus(Duration.ofMinutes(10)));

        assertThat(scriptCalls() - scriptsBefore).as("one per session, four for the closed streams").isEqualTo(1 + 4);
        assertThat(removed).isEqualTo(closed);
        assertThat(opened.redis().smembers(KEYS.eventStreams(sid))).containsExactlyInAnyOrder("listen", "recent");
        assertThat(opened.redis().hkeys(KEYS.streams(sid))).containsExactlyInAnyOrder("listen", "listen#n",
                "recent", "recent#n");
        assertThat(opened.redis().zrange(KEYS.streamAges(sid), 0, -1)).containsExactlyInAnyOrder("listen", "recent");
        assertThat(opened.redis().zrange(KEYS.closedStreams(sid), 0, -1)).containsExactly("recent");
        assertThat(opened.redis().exists(KEYS.events(sid, "r0"), KEYS.events(sid, "r31"), KEYS.events(sid, "r32"),
                KEYS.events(sid, "r" + (closed - 1)))).isZero();
        assertThat(events.stream(sid, "recent")).isPresent();
    }

    @Test
    void aSessionWhoseOldestStreamsAreAlsoClosedIsAskedAgainForTheAgedOnesBehindThem() {
        Opened opened = openWithSession();
        EventStore events = opened.events();
        String sid = opened.sid();
        int closed = 100;
        int open = RedisEventStore.CANDIDATES_PER_ASK + 100;
        for (int i = 0; i < closed; i++) {
            answer(events, sid, "c" + i); // same age as the open ones, and first among them by name
        }
        for (int i = 0; i < open; i++) {
            events.openStream(sid, "o" + i, StreamKind.RESPONSE, "node-a");
            events.append(sid, "o" + i, Direction.SERVER_TO_CLIENT, "{}");
        }
        clock.advance(Duration.ofHours(25));

        long removed = events.trim(clock.instant().minus(Duration.ofHours(24)),
                clock.instant().minus(Duration.ofMinutes(10)));

        assertThat(removed).isEqualTo(closed + open);
        assertThat(opened.redis().zrangebyscore(KEYS.streamAges(sid), Range.create(0, 1e15)))
                .as("no stream left with an old event").isEmpty();
        assertThat(opened.redis().zscore(KEYS.streamAges(sid), "o" + (open - 1))).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void aSessionWrittenBeforeStreamAgesIsTrimmedWholeOnceAndGetsItsAges() {
        Opened opened = openWithSession();
        EventStore events = opened.events();
        String sid = opened.sid();
        answer(events, sid, "r-old");
        clock.advance(Duration.ofHours(25));
        answer(events, sid, "r-new");
        opened.redis().del(KEYS.streamAges(sid)); // as an earlier version left it

        long removed = events.trim(clock.instant().minus(Duration.ofHours(24)), Instant.EPOCH);

        assertThat(removed).isOne();
        assertThat(events.stream(sid, "r-old")).isEmpty();
        assertThat(opened.redis().smembers(KEYS.eventStreams(sid))).containsExactly("r-new");
        assertThat(opened.redis().zscore(KEYS.streamAges(sid), "r-new")).isEqualTo((double) clock.millis());
    }

    private static final RedisKeys KEYS = new RedisKeys(StorageConfig.DEFAULT_REDIS_KEY_PREFIX);

    /** Stores opened anew on the backend under test, a session saved in them, and their Redis commands. */
    private record Opened(String sid, EventStore events, RedisClusterCommands<String, String> redis) {
    }

    private Opened openWithSession() {
        Storage storage = open(StorageConfig.DEFAULT_MAX_EVENTS_PER_STREAM);
        String sid = newSessionId();
        storage.sessions().save(session(sid));
        return new Opened(sid, storage.events(), ((RedisBackend) storage.backend()).database().sync());
    }

    /** A request answered at once on its own response stream, which is then closed. */
    private static void answer(EventStore events, String sid, String streamId) {
        events.openStream(sid, streamId, StreamKind.RESPONSE, "node-a");
        events.append(sid, streamId, Direction.CLIENT_TO_SERVER, "{}");
        events.closeStream(sid, streamId);
    }

    /** @return the Redis servers the stores under test send their commands to */
    protected List<String> servers() {
        return List.of(RedisTestServer.url());
    }

    /** @return the Lua scripts run (not failed) so far on {@link #servers()}, from {@code INFO commandstats} */
    private long scriptCalls() {
        long calls = 0;
        for (String server : servers()) {
            RedisClient client = RedisClient.create(server);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                for (String line : c.sync().info("commandstats").split("\r?\n")) {
                    if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                        // an EVALSHA that found no script (NOSCRIPT, then EVAL) ran none
                        calls += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"))
                                - Long.parseLong(line.replaceAll(".*,failed_calls=(\\d+).*", "$1"));
                    }
                }
            } finally {
                client.shutdown();
            }
        }
        return calls;
    }

    @Test
    void entryIdsAreStreamEntryIdsCountedPerSession() {
        String sid = newSessionId();

        String first = events.append(sid, "a", Direction.SERVER_TO_CLIENT, "{}").id().entryId();
        String second = events.append(sid, "b", Direction.SERVER_TO_CLIENT, "{}").id().entryId();
        String otherSession = events.append(newSessionId(), "a", Direction.SERVER_TO_CLIENT, "{}").id().entryId();

        assertThat(List.of(first, second, otherSession)).containsExactly("1-0", "2-0", "1-0");
        assertThat(events.isKnownPosition(sid, "a", "1")).as("short form").isTrue();
        assertThat(events.readAfter(sid, "b", "1", 10)).hasSize(1);
    }
}
