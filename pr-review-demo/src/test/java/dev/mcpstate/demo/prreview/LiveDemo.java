package dev.mcpstate.demo.prreview;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.Map;

/**
 * A test class with one running demo for all its tests; each test starts in a fresh demo session with an event
 * stream open, as a page that has just been loaded.
 */
abstract class LiveDemo {

    static PrReviewDemo demo;
    static DemoApi api;
    EventRecorder events;

    /** Keeps the demo the class's {@code @BeforeAll} started. */
    static void use(PrReviewDemo started) {
        demo = started;
        api = new DemoApi(started.url());
    }

    @BeforeEach
    void freshSession() throws Exception {
        api.ok("/reset", Map.of());
        events = EventRecorder.open(demo.url());
    }

    @AfterEach
    void closeEvents() throws Exception {
        events.close();
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
            demo = null;
        }
    }
}
