package io.cameliotmp.device;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bound of {@link IotmpDeviceBuilder#maxHandlersInFlight} against a server that floods the device with RUNs. */
class DeviceHandlerLimitTest extends DeviceTestBase {

    private static final int LIMIT = 8;
    private static final int RUNS = 400;

    @Test
    void aFloodOfRunsStartsNoMoreHandlersThanTheLimitAndEveryRunIsAnswered() throws Exception {
        startServer();
        // a pool that starts every task at once: only the device's limit keeps handlers from piling up
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            IotmpDevice device = track(deviceBuilder().handlerExecutor(executor).maxHandlersInFlight(LIMIT).build());
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger started = new AtomicInteger();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            device.resource("slow").output(() -> {
                started.incrementAndGet();
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                return "done";
            });
            TestIotmpServer.Connection c = connect(device);

            // all RUNs in one write, so they arrive in as few reads as the network makes of them
            ByteBuf flood = Unpooled.buffer();
            for (int id = 1; id <= RUNS; id++) {
                IotmpFrames.encode(IotmpMessage.run(id, "slow", null, null), server.generation(), flood);
            }
            c.channel.writeAndFlush(flood).syncUninterruptibly();

            eventually().until(() -> started.get() >= LIMIT);
            // whatever the loop had read by now has been dispatched once it ran a task queued after that read
            device.eventLoop().submit(() -> { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            device.eventLoop().submit(() -> { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(started.get()).as("handlers started while all are blocked").isEqualTo(LIMIT);
            assertThat(device.transportStats().handlersInFlight()).isEqualTo(LIMIT);

            release.countDown();
            Set<Integer> answered = new HashSet<>();
            while (answered.size() < RUNS) {
                IotmpMessage answer = c.next();
                if (answer.type() == MessageType.OK || answer.type() == MessageType.ERROR) {
                    assertThat(answered.add(answer.streamId())).as("one answer for %s", answer).isTrue();
                }
            }
            assertThat(answered).hasSize(RUNS);
            assertThat(peak.get()).as("most handlers running at once").isLessThanOrEqualTo(LIMIT);
            eventually().until(() -> device.transportStats().handlersInFlight() == 0);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aRunTheExecutorRefusesIsAnsweredWithError() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().handlerExecutor(task -> {
            throw new RejectedExecutionException("full");
        }).build());
        device.resource("slow").output(() -> "never");
        TestIotmpServer.Connection c = connect(device);

        c.send(IotmpMessage.run(3, "slow", null, null));

        IotmpMessage answer = c.next(MessageType.ERROR);
        assertThat(answer.streamId()).isEqualTo(3);
        assertThat(device.transportStats().handlersInFlight()).as("a refused task is not counted").isZero();
    }

    @Test
    void theLimitMustBePositive() {
        assertThatThrownBy(() -> IotmpDevice.builder().maxHandlersInFlight(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
