package io.cameliotmp.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the refusals of device streams keep: a refusal while SSE clients watch the resource, a pinned one (a route's)
 * for the device's connection, and nothing for a resource no client watches any more, whose names clients choose.
 */
class StreamRefusalsTest {

    private static final String CONNECTION = "since-1";
    private static final ApiError REFUSED = new ApiError(404, "no such resource");

    private final StreamRefusals refusals = new StreamRefusals(null) {
        @Override
        String connection(String user, String device) {
            return CONNECTION;
        }
    };

    @Test
    void aRefusalThatReachesNoWatcherIsNotKept() {
        StreamRefusals.Key madeUp = new StreamRefusals.Key("demo", "dev-1", "made-up-1");
        // the client left (unwatched) before the device's refusal reached its stream
        StreamRefusals.Watcher watcher = error -> { };
        assertThat(refusals.watch(madeUp, CONNECTION, watcher)).isNull();
        refusals.unwatch(madeUp, watcher);

        refusals.refused(madeUp, REFUSED, false);

        assertThat(refusals.isRefused(madeUp, CONNECTION)).isFalse();
    }

    @Test
    void aRefusalIsKeptWhileWatchedAndAPinnedOneForTheConnection() {
        StreamRefusals.Key watched = new StreamRefusals.Key("demo", "dev-1", "led");
        StreamRefusals.Watcher watcher = error -> { };
        refusals.watch(watched, CONNECTION, watcher);
        refusals.refused(watched, REFUSED, false);
        assertThat(refusals.isRefused(watched, CONNECTION)).isTrue();
        refusals.unwatch(watched, watcher);
        assertThat(refusals.isRefused(watched, CONNECTION)).isFalse();

        StreamRefusals.Key routes = new StreamRefusals.Key("demo", "dev-1", "temperature");
        refusals.refused(routes, REFUSED, true);
        assertThat(refusals.isRefused(routes, CONNECTION)).isTrue();
    }
}
