package io.cameliotmp.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.MessageType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The delays between connection attempts: a server that accepts and drops at once is backed off like a failing one. */
class ReconnectBackoffTest extends DeviceTestBase {

    private static final long STABLE = Duration.ofSeconds(30).toNanos();

    private final AtomicLong clock = new AtomicLong();
    /** The attempt number stands for its delay, so that the test reads which delay each round got. */
    private final ReconnectBackoff backoff = new ReconnectBackoff(attempt -> attempt, STABLE, clock::get);

    @Test
    void failedAttemptsGrowTheDelay() {
        assertThat(List.of(backoff.nextDelayMillis(), backoff.nextDelayMillis(), backoff.nextDelayMillis()))
                .containsExactly(0L, 1L, 2L);
    }

    @Test
    void aConnectionLostSoonAfterItWasAcceptedGrowsTheDelayToo() {
        List<Long> delays = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            backoff.connected();
            clock.addAndGet(STABLE - 1);
            delays.add(backoff.nextDelayMillis());
        }
        assertThat(delays).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aConnectionThatLastedTheMaximumBackoffStartsTheDelaysOver() {
        backoff.nextDelayMillis();
        backoff.nextDelayMillis();
        backoff.connected();
        clock.addAndGet(STABLE);
        assertThat(backoff.nextDelayMillis()).isZero();
        assertThat(backoff.attempts()).isEqualTo(1);
        // a failed attempt after it is not a lost connection: the delays go on growing
        clock.addAndGet(STABLE);
        assertThat(backoff.nextDelayMillis()).isEqualTo(1L);
    }

    /** End to end: a server that accepts every CONNECT and closes the connection at once sees the gaps grow. */
    @Test
    void aServerThatDropsEveryAcceptedConnectionSeesTheDeviceBackOff() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(60))
                .random(new Random(7) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public double nextDouble() {
                        return 0.999999; // no jitter: the delays are 100, 200, 400, 800 ms
                    }
                }).build());
        Semaphore connected = new Semaphore(0);
        device.onConnected(connected::release);
        device.start();
        List<Long> connects = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            TestIotmpServer.Connection connection = server.awaitConnection();
            TestIotmpServer.Frame connect = connection.nextFrame();
            assertThat(connect.message().type()).isEqualTo(MessageType.CONNECT);
            connects.add(connect.receivedNanos());
            // closed only once the device took the OK: a connection accepted, then lost
            assertThat(connected.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("connected").isTrue();
            connection.close();
            connection.awaitClosed();
        }
        // lower bounds only: a busy machine can make the gaps longer, never shorter. Before, every gap was 100 ms.
        for (int gap = 0; gap < 4; gap++) {
            assertThat(Duration.ofNanos(connects.get(gap + 1) - connects.get(gap)).toMillis()).as("gap %d", gap)
                    .isGreaterThanOrEqualTo(100L << gap);
        }
    }
}
