package dev.mcpstate.interceptor.internal.http;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

import java.util.Objects;

/**
 * An {@link AsyncListener} that runs one action when the asynchronous response completes. A timeout or an error is
 * followed by a completion, so the action runs once in every case.
 */
public final class OnComplete implements AsyncListener {

    private final Runnable action;

    /** @param action runs on the thread that completes the response; must not throw; not null */
    public OnComplete(Runnable action) {
        this.action = Objects.requireNonNull(action, "action must not be null");
    }

    @Override
    public void onComplete(AsyncEvent event) {
        action.run();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // the container completes the response afterwards
    }

    @Override
    public void onError(AsyncEvent event) {
        // the container completes the response afterwards
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
