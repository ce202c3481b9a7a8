package io.cameliotmp.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens when members or devices move: a member that leaves with calls in flight, a device that reconnects to
 * another member, and a stream opened through one member on a device held by another.
 */
class ClusterMembershipTest {

    /** Far longer than any wait below: a call that fails before it did not wait out its timeout. */
    private static final Duration LONG_TIMEOUT = Duration.ofMinutes(5);

    private final ClusterNodes nodes = new ClusterNodes();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void close() {
        never.countDown();
        nodes.close();
        handlers.shutdownNow();
    }

    @Test
    void callsForwardedToAMemberThatLeavesFailAtOnceAsDisconnected() throws Exception {
        List<IotmpServer> members = nodes.start(3);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        CountDownLatch reached = new CountDownLatch(2);
        nodes.hangingDevice(holder, "slow", handlers, reached, never).start().toCompletableFuture().join();
        DeviceId slow = new DeviceId("alice", "slow");
        eventually().until(() -> caller.locate(slow).isPresent() && members.get(2).locate(slow).isPresent());

        CompletableFuture<DeviceReply> first = caller.send(slow, DeviceRequest.run("hang", null), LONG_TIMEOUT);
        CompletableFuture<DeviceReply> second = members.get(2).send(slow, DeviceRequest.run("hang", null),
                LONG_TIMEOUT);
        assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();

        // the holder leaves the cluster while its device is still connected to it: only the view says so
        ClusterNodes.cluster(holder).leave();

        for (CompletableFuture<DeviceReply> call : List.of(first, second)) {
            assertThat(call).failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceDisconnectedException.class);
        }
        eventually().until(() -> caller.locate(slow).isEmpty() && members.get(2).locate(slow).isEmpty());
        assertThat(caller.send(slow, DeviceRequest.run("hang", null), LONG_TIMEOUT))
                .failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(DeviceNotConnectedException.class);
    }

    @Test
    void aStoppedMemberFailsItsForwardedCallsAndItsDevicesLeaveTheDirectory() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        CountDownLatch reached = new CountDownLatch(1);
        nodes.hangingDevice(holder, "slow", handlers, reached, never).start().toCompletableFuture().join();
        DeviceId slow = new DeviceId("alice", "slow");
        nodes.device(holder, "other");
        eventually().until(() -> caller.devices(null).size() == 2);

        CompletableFuture<DeviceReply> call = caller.send(slow, DeviceRequest.run("hang", null), LONG_TIMEOUT);
        assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
        holder.stop();

        assertThat(call).failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(DeviceDisconnectedException.class);
        eventually().until(() -> caller.devices(null).isEmpty());
    }

    @Test
    void aDeviceThatReconnectsToAnotherMemberReplacesItsConnectionThere() throws Exception {
        List<IotmpServer> members = nodes.start(3);
        IotmpServer first = members.get(0);
        IotmpServer second = members.get(1);
        IotmpDevice before = nodes.device(first, "mover");
        DeviceId mover = new DeviceId("alice", "mover");
        DeviceRegistration old = first.registry().registration(mover).orElseThrow();
        CompletableFuture<Void> lost = new CompletableFuture<>();
        before.onDisconnected(() -> lost.complete(null));

        nodes.device(second, "mover");

        assertThat(lost).succeedsWithin(60, TimeUnit.SECONDS);
        eventually().until(() -> first.registry().registration(mover).isEmpty());
        DeviceRegistration now = second.registry().registration(mover).orElseThrow();
        for (IotmpServer member : members) {
            eventually().until(() -> member.locate(mover).map(DirectoryEntry::registration)
                    .map(now::equals).orElse(false));
            assertThat(member.send(mover, DeviceRequest.run("temperature", null), null).get(60, TimeUnit.SECONDS)
                    .registration()).isEqualTo(now);
            assertThat(member.devices(null)).hasSize(1);
        }
        // a call addressed to the replaced connection reaches nobody
        assertThat(members.get(2).send(old, DeviceRequest.run("temperature", null), null))
                .failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(DeviceNotConnectedException.class);
    }

    /**
     * Each member counts its own session numbers: when every member counted from 1, a device's first connection on
     * one and its first on another had the same number, and what the members tell connections apart by (a stream's
     * data pinned to its connection's number, a sync lock's holder) took the new connection for the old one.
     */
    @Test
    void aDeviceMovingToAnotherMemberGetsAnotherSessionNumber() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        DeviceId mover = new DeviceId("alice", "mover");
        nodes.device(members.get(0), "mover");
        long before = members.get(0).registry().registration(mover).orElseThrow().sessionNumber();

        nodes.device(members.get(1), "mover");
        eventually().until(() -> members.get(0).registry().registration(mover).isEmpty());
        long now = members.get(1).registry().registration(mover).orElseThrow().sessionNumber();

        assertThat(now).isNotEqualTo(before).isPositive().isLessThan(1L << 53);
        // stream data pinned to the connection that is gone reaches nobody, from either member
        for (IotmpServer member : members) {
            assertThat(member.send(mover, before, DeviceRequest.streamData(1, "ls\n"), null, new CompletableFuture<>()))
                    .failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(DeviceNotConnectedException.class);
        }
    }

    /**
     * What the old connection sees on the wire when its device connects to another member: a DISCONNECT frame
     * ({@code 04 00}) and then the end of the connection, as on a single server. A bare socket plays the old device,
     * so nothing of the project's client reads the bytes for the test.
     */
    @Test
    void aReplacedConnectionOnAnotherMemberIsToldDisconnectBeforeItCloses() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        DeviceId mover = new DeviceId("alice", "mover");
        try (java.net.Socket old = new java.net.Socket("127.0.0.1", members.get(0).localAddress().getPort())) {
            old.setSoTimeout(60_000);
            io.netty.buffer.ByteBuf connect = io.netty.buffer.Unpooled.buffer();
            io.cameliotmp.protocol.IotmpFrames.encode(io.cameliotmp.protocol.IotmpMessage.connect(1, "alice", "mover",
                    "s3cr3t"), io.cameliotmp.protocol.Generation.GEN2, connect);
            old.getOutputStream().write(io.netty.buffer.ByteBufUtil.getBytes(connect));
            connect.release();
            java.io.DataInputStream in = new java.io.DataInputStream(old.getInputStream());
            byte[] ok = new byte[4];
            in.readFully(ok);
            assertThat(ok).containsExactly(0x01, 0x02, 0x08, 0x01);
            eventually().until(() -> members.get(1).locate(mover).isPresent());

            nodes.device(members.get(1), "mover");

            // frames until the end of the stream: the last one before it is DISCONNECT
            int lastType = -1;
            int lastSize = -1;
            int type;
            while ((type = in.read()) >= 0) {
                int size = in.read();
                assertThat(size).as("a short frame").isBetween(0, 127);
                in.skipNBytes(size);
                lastType = type;
                lastSize = size;
            }
            assertThat(lastType).as("type of the last frame").isEqualTo(0x04);
            assertThat(lastSize).isZero();
        }
    }

    @Test
    void aStreamOpenedThroughOneMemberRelaysTheSamplesOfADeviceOnAnotherInOrder() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        IotmpDevice device = nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        List<Object> samples = new CopyOnWriteArrayList<>();
        CompletableFuture<String> ended = new CompletableFuture<>();
        StreamListener listener = new StreamListener() {
            @Override
            public java.util.concurrent.CompletionStage<Void> onSample(StreamSample sample) {
                assertThat(sample.registration().deviceId()).isEqualTo(sensor);
                samples.add(sample.payload());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void onStreamEnded(DeviceRegistration registration, String resource, int streamId,
                                      String reason) {
                ended.complete(resource);
            }
        };

        DeviceReply opened = caller.send(sensor, DeviceRequest.startStream("echo", 0, listener), null)
                .get(60, TimeUnit.SECONDS);
        eventually().until(() -> device.streamChanged("echo", -1L));
        for (long i = 0; i < 50; i++) {
            assertThat(device.streamChanged("echo", i)).isTrue();
        }
        eventually().until(() -> samples.contains(49L));
        // the device's first sample right after its OK (null from an echo without input) and the probes are not
        // part of the count
        List<Object> counted = samples.stream().filter(v -> v instanceof Long n && n >= 0).toList();
        assertThat(counted).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 50).boxed().toList());

        caller.send(opened.registration(), DeviceRequest.stopStream(opened.streamId()), null)
                .get(60, TimeUnit.SECONDS);
        assertThat(ended).succeedsWithin(60, TimeUnit.SECONDS).isEqualTo("echo");
    }

    /**
     * A stream opened through a member that then leaves ends on the device's member at once. Before, the holder
     * noticed only at the stream's next sample: a stream the device was silent on stayed open, holding one of the
     * device's pending requests, for as long as the device stayed connected.
     */
    @Test
    void aStreamOpenedThroughAMemberThatLeavesEndsOnTheHolderThoughTheDeviceSendsNothing() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        List<Object> samples = new CopyOnWriteArrayList<>();
        StreamListener listener = sample -> {
            samples.add(String.valueOf(sample.payload()));
            return CompletableFuture.completedFuture(null);
        };
        caller.send(sensor, DeviceRequest.startStream("echo", 0, listener), null).get(60, TimeUnit.SECONDS);
        // the device's one sample right after its OK has been relayed and acknowledged: the stream is silent now
        eventually().until(() -> !samples.isEmpty()
                                 && holder.registry().session(sensor).orElseThrow().counters().samplesIn() == 1
                                 && holder.registry().session(sensor).orElseThrow().counters().inFlight() == 0);
        assertThat(openStreams(holder, sensor)).isEqualTo(1);

        caller.stop();

        // the device sends nothing on the stream: only the holder's view change can end it
        eventually().until(() -> openStreams(holder, sensor) == 0);
        assertThat(ClusterNodes.cluster(holder).streamsEndedForMembersThatLeft()).isEqualTo(1);
        assertThat(holder.registry().session(sensor).orElseThrow().inspect().get(30, TimeUnit.SECONDS)
                .pendingRequests()).isZero();
    }

    private static int openStreams(IotmpServer server, DeviceId device) throws Exception {
        return server.registry().session(device).orElseThrow().inspect().get(30, TimeUnit.SECONDS).streams().size();
    }

    /**
     * A listener on the calling member that has not finished a sample holds the device back on its own member, as a
     * local listener does: the holder counts the relayed sample in flight until then and stops reading the device at
     * its bound, rather than the calling member queueing what the device sends.
     */
    @Test
    void aSlowListenerOnTheCallingMemberHoldsTheDeviceBackOnItsMember() throws Exception {
        int maxInFlight = 4;
        List<IotmpServer> members = nodes.server(config -> config.maxInFlight(maxInFlight)).start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        IotmpDevice device = nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        List<Object> samples = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        StreamListener slow = sample -> {
            samples.add(sample.payload());
            // the first counted sample is not finished until the test says so; the others at once
            return sample.payload() instanceof Long n && n == 0 ? release : CompletableFuture.completedFuture(null);
        };
        caller.send(sensor, DeviceRequest.startStream("echo", 0, slow), null).get(60, TimeUnit.SECONDS);
        eventually().until(() -> device.streamChanged("echo", -1L) && samples.contains(-1L));

        int sent = 10 * maxInFlight;
        for (long i = 0; i < sent; i++) {
            assertThat(device.streamChanged("echo", i)).isTrue();
        }
        // the holder stops reading the device: the samples after the first wait on its socket, not on the caller
        eventually().until(() -> holder.registry().session(sensor).orElseThrow().counters().readingPaused());
        // the holder counts relayed samples from when it sends them: it can pause before the first one has arrived
        eventually().until(() -> samples.contains(0L));
        assertThat(samples.stream().filter(v -> v instanceof Long n && n >= 0)).containsExactly(0L);

        release.complete(null);
        eventually().until(() -> samples.contains(sent - 1L));
        assertThat(samples.stream().filter(v -> v instanceof Long n && n >= 0).toList())
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, sent).boxed().toList());
    }
}
