package io.cameliotmp.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the I/O thread hands frames to a connection's worker: once per read rather than once per frame (each hand-off
 * may wake the worker), in the order read, and also for frames that arrive outside a read.
 */
class ConnectionPumpTest {

    /** Counts the tasks handed to it: each may wake its thread. */
    private static final class CountingWorker extends SingleThreadEventExecutor {
        final AtomicInteger handOffs = new AtomicInteger();

        CountingWorker() {
            super(null, new DefaultThreadFactory("pump-test-worker"), true);
        }

        @Override
        protected void run() {
            while (!confirmShutdown()) {
                Runnable task = takeTask();
                if (task != null) {
                    task.run();
                }
            }
        }

        @Override
        public void execute(Runnable task) {
            handOffs.incrementAndGet();
            super.execute(task);
        }
    }

    private final CountingWorker worker = new CountingWorker();
    private final List<Object> handled = new CopyOnWriteArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        worker.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** The clock the flow control reads the device's activity from, moved by hand. */
    private final AtomicLong nanos = new AtomicLong();
    private FlowControl flow;

    private void addPump() {
        flow = new FlowControl(channel, 100_000, BackpressurePolicy.PAUSE, nanos::get);
        channel.pipeline().addLast(new ConnectionPump(worker, flow, new ConnectionPump.Session() {
            @Override
            public void handle(Object event) {
                handled.add(event);
            }

            @Override
            public boolean handledOnArrival(Object frame, long weight) {
                return false;
            }

            @Override
            public long frameWeight() {
                return 0;
            }
        }));
    }

    @Test
    void theFramesOfOneReadAreHandedOverOnce() {
        addPump();
        for (int i = 0; i < 10; i++) {
            channel.pipeline().fireChannelRead("frame-" + i);
        }
        assertThat(worker.handOffs).hasValue(0);

        channel.pipeline().fireChannelReadComplete();

        Awaitility.await().until(() -> handled.size() == 10);
        assertThat(handled).containsExactly("frame-0", "frame-1", "frame-2", "frame-3", "frame-4", "frame-5",
                "frame-6", "frame-7", "frame-8", "frame-9");
        assertThat(worker.handOffs).hasValue(1);
    }

    @Test
    void aLongReadHandsOverEveryDrainBatch() {
        addPump();
        for (int i = 0; i < 256; i++) {
            channel.pipeline().fireChannelRead(i);
        }
        // the worker starts on the first batch while the read goes on
        assertThat(worker.handOffs.get()).isPositive();
        Awaitility.await().until(() -> handled.size() == 256);
    }

    @Test
    void aFrameOutsideAReadIsHandedOverAfterTheIoRound() {
        addPump();
        // as a resumed decode or a synthesized answer does: a read without its read-complete
        channel.pipeline().fireChannelRead("late");
        assertThat(worker.handOffs).hasValue(0);

        channel.runPendingTasks();

        Awaitility.await().until(() -> handled.contains("late"));
    }

    @Test
    void otherEventsAreHandedOverAtOnceAfterTheFramesBeforeThem() {
        addPump();
        channel.pipeline().fireChannelRead("frame");
        channel.pipeline().fireExceptionCaught(new IllegalStateException("boom"));

        Awaitility.await().until(() -> handled.size() == 2);
        assertThat(handled.get(0)).isEqualTo("frame");
        assertThat(handled.get(1)).isInstanceOf(IllegalStateException.class);
    }

    /**
     * The device's activity, which the idle check reads, is noted once per read that brought frames, when it ends:
     * not per frame (a clock read each), and not for a read without a frame.
     */
    @Test
    void aReadThatBroughtFramesIsNotedAsActivityWhenItEnds() {
        addPump();
        nanos.set(TimeUnit.SECONDS.toNanos(10));

        channel.pipeline().fireChannelReadComplete();
        assertThat(flow.silenceNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(10));

        nanos.set(TimeUnit.SECONDS.toNanos(20));
        for (int i = 0; i < 3; i++) {
            channel.pipeline().fireChannelRead("frame-" + i);
        }
        assertThat(flow.silenceNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(20));

        channel.pipeline().fireChannelReadComplete();
        assertThat(flow.silenceNanos()).isZero();
        Awaitility.await().until(() -> handled.size() == 3);
    }

    /**
     * The idle handler fires when its own timestamp of the last read is the idle time old; the flow control noted the
     * same read a little later, so the device counts as silent a few microseconds short of the idle time. A frame
     * that arrived after the event, or reading resumed, still keeps the connection.
     */
    @Test
    void aDeviceSilentWithinMicrosecondsOfTheIdleTimeIsSilentAndOneThatSpokeSinceIsNot() {
        addPump();
        long idle = TimeUnit.MILLISECONDS.toNanos(2300);
        channel.pipeline().fireChannelRead("keep-alive");
        channel.pipeline().fireChannelReadComplete(); // activity at 0

        nanos.set(idle - TimeUnit.MICROSECONDS.toNanos(5));
        assertThat(flow.silentFor(idle)).as("5 µs short of the idle time: the timestamps' gap").isTrue();
        nanos.set(idle / 2);
        assertThat(flow.silentFor(idle)).as("half the idle time").isFalse();

        nanos.set(idle);
        channel.pipeline().fireChannelRead("late keep-alive");
        channel.pipeline().fireChannelReadComplete();
        nanos.set(idle + TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(flow.silentFor(idle)).as("a frame arrived 1 ms ago").isFalse();
        Awaitility.await().until(() -> handled.size() == 2);
    }
}
