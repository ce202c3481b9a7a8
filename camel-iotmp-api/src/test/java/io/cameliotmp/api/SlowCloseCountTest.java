package io.cameliotmp.api;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client closed as slow is counted once ({@code iotmp.api.sessions.slow.closed}, …), and only when it was closed as
 * slow: a byte session's client that stops reading is noticed both by the device's output overflowing its buffer (on
 * an IOTMP worker) and by its stalled write (on the checking thread), and may be closed as idle, or leave, at the same
 * moment. The other notice lands here while the first one is being counted, the moment two threads can meet in.
 */
class SlowCloseCountTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long TIME_LIMIT = TimeUnit.SECONDS.toNanos(1);

    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch writing = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<CloseStatus> closed = new AtomicReference<>();
    private final AtomicInteger slowClosed = new AtomicInteger();
    /** What happens on another thread while the first slow close is counted. */
    private volatile Runnable meanwhile = () -> { };

    @AfterEach
    void stop() {
        release.countDown();
        sender.shutdownNow();
    }

    @Test
    void aClientWhoseOverflowAndStalledWriteAreNoticedAtOnceIsCountedOnce() throws Exception {
        SessionOutbound outbound = stalledClient();
        meanwhile = () -> outbound.send(new BinaryMessage(new byte[4096]));

        outbound.checkStalled(System.nanoTime() + 2 * TIME_LIMIT);

        assertThat(slowClosed).as("clients counted as closed slow").hasValue(1);
        assertThat(closed.get()).isNotNull().extracting(CloseStatus::getCode)
                .isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
    }

    @Test
    void aClientClosedAsSlowIsNotClosedAsIdleToo() throws Exception {
        SessionOutbound outbound = stalledClient();
        AtomicBoolean idleClosed = new AtomicBoolean();
        meanwhile = () -> idleClosed.set(outbound.checkSilent(System.nanoTime() + 2 * TIME_LIMIT, TIME_LIMIT));

        outbound.checkStalled(System.nanoTime() + 2 * TIME_LIMIT);

        assertThat(slowClosed).as("clients counted as closed slow").hasValue(1);
        assertThat(idleClosed).as("the same client counted as closed idle").isFalse();
    }

    /** An outbound of a byte session whose first write blocks, as one to a client that reads nothing does. */
    private SessionOutbound stalledClient() throws InterruptedException {
        SessionOutbound outbound = new SessionOutbound("test", socket(), 1024, TIME_LIMIT, sender, Runnable::run,
                () -> {
                    if (slowClosed.incrementAndGet() == 1) {
                        meanwhile.run();
                    }
                }, () -> { });
        outbound.send(new BinaryMessage(new byte[16]));
        // its start time is taken before the write begins: a check a time limit later finds it stalled
        assertThat(writing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the write started").isTrue();
        return outbound;
    }

    private WebSocketSession socket() {
        return FakeWebSocketSessions.terminal(closed, () -> {
            writing.countDown();
            release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        });
    }
}
