package io.cameliotmp.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls of the API's routes the application holds ({@link AsyncPlatformHttpConsumer.Call}: its request, its
 * exchange, its answer): from the request until the answer is sent, dropped or given up. Each is bounded by the
 * connection it came on and by the timeouts (the async request timeout, {@code answer-write-timeout}); a call whose
 * client has gone must not stay beyond them, and this count, gauge {@code iotmp.api.calls}, shows it.
 */
final class CallsInProgress {

    private final AtomicInteger held = new AtomicInteger();

    /** A call has started; it is held until {@code answered} completes. */
    void started(CompletableFuture<Void> answered) {
        held.incrementAndGet();
        answered.whenComplete((done, failure) -> held.decrementAndGet());
    }

    /** The calls held now. */
    int held() {
        return held.get();
    }
}
