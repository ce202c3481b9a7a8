package io.cameliotmp.server;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Frames;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one connection holds between its codec and its handlers: frames decoded and not yet handled, and samples handed
 * to a listener that has not completed them. All bytes a device sends arrive in one read here (the real pipeline on an
 * {@link EmbeddedChannel}), which is what a fast device does to a server whose read is under way when reading pauses:
 * the codec must stop decoding at the bound, not after the read, and go on where it stopped once the handlers catch up.
 */
class InFlightBoundTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");
    private static HashedWheelTimer timer;

    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private final List<Object> delivered = new ArrayList<>();
    private IotmpServer server;
    private EmbeddedChannel channel;
    private int streamId;

    @BeforeAll
    static void startTimer() {
        timer = new HashedWheelTimer(new DefaultThreadFactory("bound-timer", true), 10, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopTimer() {
        timer.stop();
    }

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** A device with an open stream whose every sample is held by its listener until the test completes it. */
    private void connectWithStream(int maxInFlight, long maxDecodedFrameBytes) {
        connectWithStream(maxInFlight, maxDecodedFrameBytes, new StreamListener() {
            @Override
            public CompletionStage<Void> onSample(StreamSample sample) {
                delivered.add(sample.payload());
                CompletableFuture<Void> done = new CompletableFuture<>();
                held.add(done);
                return done;
            }
        });
    }

    private void connectWithStream(int maxInFlight, long maxDecodedFrameBytes, StreamListener listener) {
        server = EmbeddedDevicePipeline.unstartedServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(0).ioThreads(1).workerThreads(0).nativeTransport(false)
                .requestTimeout(Duration.ofHours(1)).maxInFlight(maxInFlight)
                .limits(ServerLimits.builder().maxDecodedFrameBytes(maxDecodedFrameBytes).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build(), timer);
        server.subscriptions().subscribe(new DeviceFilter("alice", "*"), "temperature", 0, listener);
        channel = EmbeddedDevicePipeline.connect(server, UnpooledByteBufAllocator.DEFAULT);
        send(Frames.encode(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2));
        List<IotmpMessage> answers = sent();
        assertThat(answers.get(0)).isEqualTo(IotmpMessage.ok(1));
        IotmpMessage start = answers.get(1);
        assertThat(start.type()).isEqualTo(MessageType.START_STREAM);
        streamId = start.streamId();
        send(Frames.encode(IotmpMessage.ok(streamId), Generation.GEN2));
    }

    /**
     * A batching listener: it takes samples on the I/O thread and returns one stage for every sample of a batch, a new
     * one once the last is done.
     */
    private StreamListener batchingListener() {
        return new StreamListener() {
            private CompletableFuture<Void> batch;

            @Override
            public CompletionStage<Void> onSample(StreamSample sample) {
                delivered.add(sample.payload());
                if (batch == null || batch.isDone()) {
                    batch = new CompletableFuture<>();
                    held.add(batch);
                }
                return batch;
            }

            @Override
            public boolean acceptsSamplesOnIoThread() {
                return true;
            }
        };
    }

    /** Samples 0, 1, ... on the open stream, in one read. */
    private void sendSamples(int samples) {
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < samples; i++) {
            flood.writeBytes(Frames.encode(IotmpMessage.streamData(streamId, (long) i), Generation.GEN2));
        }
        send(flood.toByteArray());
    }

    private void send(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.runPendingTasks();
        channel.checkException();
    }

    private List<IotmpMessage> sent() {
        byte[] bytes = EmbeddedCodec.drainOutbound(channel);
        EmbeddedChannel device = new EmbeddedChannel(new IotmpFrameCodec(Generation.GEN2, false, Integer.MAX_VALUE,
                32));
        device.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<IotmpMessage> frames = new ArrayList<>();
        for (Object in = device.readInbound(); in != null; in = device.readInbound()) {
            frames.add((IotmpMessage) in);
        }
        device.finishAndReleaseAll();
        return frames;
    }

    private DeviceConnection session() {
        return server.registry().session(DEVICE).orElseThrow();
    }

    /** Completes what the listener holds and lets the codec go on, until the listener holds nothing more. */
    private void completeAll() {
        while (held.stream().anyMatch(f -> !f.isDone())) {
            for (CompletableFuture<Void> done : List.copyOf(held)) {
                done.complete(null);
            }
            channel.runPendingTasks();
            channel.checkException();
        }
    }

    /**
     * Reading resumes only once the frames held back are decoded without filling the bound again: resuming earlier
     * adds a read's worth to what is held back at every pause, without bound while the handlers are slower than the
     * device (and under a flood that ran the server out of direct memory).
     */
    @Test
    void readingStaysOffWhileFramesReadEarlierAreStillHeldBack() {
        connectWithStream(64, 4L * 1024 * 1024);
        int samples = 2_000;
        sendSamples(samples);

        int rounds = 0;
        while (delivered.size() < samples) {
            assertThat(channel.config().isAutoRead()).as("reading while %d samples read earlier wait",
                    samples - delivered.size()).isFalse();
            for (CompletableFuture<Void> done : List.copyOf(held)) {
                done.complete(null);
            }
            channel.runPendingTasks();
            channel.checkException();
            rounds++;
        }
        assertThat(rounds).as("pauses on the way").isGreaterThan(10);
        completeAll();
        assertThat(channel.config().isAutoRead()).as("reading once nothing is held back").isTrue();
    }

    @Test
    void frameCountStopsAtMaxInFlightWithinOneRead() {
        connectWithStream(64, 4L * 1024 * 1024);
        int samples = 10_000;
        sendSamples(samples);

        // a sample counts as its frame while it is handed on (to the shared stream, then to each subscriber), and as
        // a delivery from when the listener returned until its stage completes: reading pauses at the bound, or one
        // or two short of it if a frame is still being handed on
        assertThat(delivered).as("samples decoded and handed over from one read").hasSizeBetween(62, 64);
        assertThat(session().counters().inFlight()).isEqualTo(delivered.size());
        assertThat(session().counters().readingPaused()).isTrue();
        assertThat(server.inFlightBytes()).isPositive();

        completeAll();

        assertThat(delivered).as("every sample, in order, once the listener caught up").hasSize(samples);
        for (int i = 0; i < samples; i++) {
            assertThat(delivered.get(i)).isEqualTo((long) i);
        }
        assertThat(session().counters().inFlight()).isZero();
        assertThat(server.inFlightBytes()).isZero();
        assertThat(session().counters().readingPaused()).isFalse();
    }

    @Test
    void heavyFramesStopAtTheByteBoundLongBeforeMaxInFlight() {
        long bound = 1024 * 1024;
        connectWithStream(64, bound);
        heavySamplesStopAtTheByteBound(bound);
    }

    /**
     * Handed to a batching listener on the I/O thread, samples are counted without the lock while they fit below the
     * bounds: the one that reaches the byte bound takes the lock and pauses reading, as on the executor.
     */
    @Test
    void heavySamplesForABatchStopAtTheByteBoundToo() {
        long bound = 1024 * 1024;
        connectWithStream(64, bound, batchingListener());
        heavySamplesStopAtTheByteBound(bound);
    }

    private void heavySamplesStopAtTheByteBound(long bound) {
        int samples = 50;
        String value = "x".repeat(100_000);
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < samples; i++) {
            flood.writeBytes(Frames.encode(IotmpMessage.streamData(streamId, value + i), Generation.GEN2));
        }

        send(flood.toByteArray());

        // each sample weighs about 200 KB (a string of 100,000 UTF-8 bytes may take two bytes a character): reading
        // pauses once the samples held, with the one being handed on (counted as the frame and its deliveries),
        // reach 1 MiB
        long weight = 200_000;
        assertThat(delivered).hasSizeBetween(3, 6);
        assertThat(server.inFlightBytes()).isBetween(delivered.size() * weight, delivered.size() * (weight + 1000))
                .isLessThan(bound + weight);
        assertThat(session().counters().readingPaused()).isTrue();

        completeAll();

        assertThat(delivered).hasSize(samples);
        for (int i = 0; i < samples; i++) {
            assertThat(delivered.get(i)).isEqualTo(value + i);
        }
        assertThat(server.inFlightBytes()).isZero();
        assertThat(session().counters().inFlight()).isZero();
    }

    @Test
    void aListenerOnTheIoThreadThatTakesWholeSamplesGetsEachWithItsDeviceStreamAndTime() {
        List<StreamSample> samples = new ArrayList<>();
        long before = System.currentTimeMillis();
        connectWithStream(64, 4L * 1024 * 1024, new StreamListener() {
            @Override
            public CompletionStage<Void> onSample(StreamSample sample) {
                samples.add(sample);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean acceptsSamplesOnIoThread() {
                return true;
            }
        });
        sendSamples(3);
        long after = System.currentTimeMillis();
        // onSampleOnIoThread's default builds the sample for a listener that only implements onSample
        assertThat(samples).extracting(StreamSample::payload).containsExactly(0L, 1L, 2L);
        for (StreamSample sample : samples) {
            assertThat(sample.registration().deviceId()).isEqualTo(DEVICE);
            assertThat(sample.resource()).isEqualTo("temperature");
            assertThat(sample.streamId()).isEqualTo(streamId);
            assertThat(sample.receivedAtMillis()).isBetween(before, after);
        }
    }

    /**
     * A batching listener: it takes samples on the I/O thread and returns one stage for every sample of a batch. The
     * samples are counted in flight one by one, reading pauses at the bound as for any listener, and the whole batch is
     * released when its stage completes.
     */
    @Test
    void samplesSharingOneStageAreHeldUntilItCompletesThenReleasedTogether() {
        connectWithStream(64, 4L * 1024 * 1024, batchingListener());
        int samples = 10_000;
        sendSamples(samples);

        // handed over on arrival, each sample is one delivery (through the executor it would also count as a delivery
        // to the shared stream): reading pauses with exactly the bound held
        assertThat(delivered).hasSize(64);
        assertThat(held).hasSize(1);
        assertThat(session().counters().inFlight()).isEqualTo(64);
        assertThat(session().counters().readingPaused()).isTrue();
        assertThat(server.inFlightBytes()).isPositive();

        held.get(0).complete(null);
        channel.runPendingTasks();

        assertThat(delivered).as("the next batch, once the first was done").hasSize(128);
        assertThat(session().counters().inFlight()).isEqualTo(64);

        completeAll();

        assertThat(delivered).hasSize(samples);
        for (int i = 0; i < samples; i++) {
            assertThat(delivered.get(i)).isEqualTo((long) i);
        }
        assertThat(session().counters().inFlight()).isZero();
        assertThat(server.inFlightBytes()).isZero();
        assertThat(session().counters().readingPaused()).isFalse();
        assertThat(session().counters().samplesIn()).isEqualTo(samples);
    }
}
