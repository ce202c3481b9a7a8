package io.cameliotmp.device;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device's bounds against a hostile or broken server: what it queues, how long it waits for a sign of life. */
class DeviceTransportBoundsTest extends DeviceTestBase {

    /** A server that stops reading and keeps asking for a large value must not make the device queue without end. */
    @Test
    void closesAConnectionWhoseServerStoppedReadingAndReconnects() throws Exception {
        startServer();
        int limit = 256 * 1024;
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .maxPendingWriteBytes(limit).keepAlive(Duration.ZERO).build());
        String large = "x".repeat(60 * 1024);
        device.resource("large").output(() -> large);
        TestIotmpServer.Connection first = connect(device);
        first.stopReading();
        DeviceTransportStats stats = device.transportStats();

        // far more than the socket buffers of both sides and the limit together: 2000 answers of 60 KB are 120 MB.
        // The device's count says when it closed: a server connection that does not read never sees the close
        // (NIO learns of the peer's FIN by reading), so once the requests are sent its state says nothing.
        for (int i = 1; i <= 2000 && stats.serverStoppedReadingCloses() == 0 && !first.isClosed(); i++) {
            try {
                first.send(IotmpMessage.run(i, "large", null, null));
            } catch (Exception e) { // thrown sneakily by Netty, an IOException too
                break; // the device closed (or reset) the connection between the check and the write
            }
        }

        Waits.eventually().until(() -> stats.serverStoppedReadingCloses() == 1);
        assertThat(stats.lastFailure()).hasMessageContaining("server stopped reading")
                .hasMessageContaining("> limit " + limit);
        TestIotmpServer.Connection second = server.awaitConnection();
        second.next(MessageType.CONNECT);
        assertThat(device.awaitConnected(WAIT)).as("reconnected").isTrue();
    }

    /** A server that answers nothing, not even its KEEP_ALIVE echo, is given up: the device reconnects. */
    @Test
    void closesAConnectionWhoseServerFellSilentAndReconnects() throws Exception {
        startServer();
        server.echoKeepAlive(false);
        // the default silence timeout: 2 x 200 ms + 1 s
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .keepAlive(Duration.ofMillis(200)).requestTimeout(Duration.ofSeconds(1)).build());
        TestIotmpServer.Connection first = connect(device);

        first.awaitClosed();
        DeviceTransportStats stats = device.transportStats();
        Waits.eventually().until(() -> stats.serverSilenceCloses() == 1);
        assertThat(stats.lastFailure()).hasMessageContaining("no frame from the server within 1400 ms");
        server.awaitConnection().next(MessageType.CONNECT);
        assertThat(device.awaitConnected(WAIT)).as("reconnected").isTrue();
    }

    /** Every echoed KEEP_ALIVE is a sign of life: the device stays on its first connection. */
    @Test
    void keepsAConnectionWhoseServerEchoesKeepAlives() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .keepAlive(Duration.ofMillis(200)).requestTimeout(Duration.ofSeconds(1)).build());
        TestIotmpServer.Connection first = connect(device);

        // 15 round trips of 200 ms are 3 s, more than twice the 1.4 s silence timeout; a device that did not count
        // the echoes would have closed this connection (and sent no more keep-alives on it) long before
        for (int i = 0; i < 15; i++) {
            first.next(MessageType.KEEP_ALIVE);
        }
        assertThat(first.isOpen()).as("first connection still open").isTrue();
        assertThat(device.transportStats().serverSilenceCloses()).isZero();
        assertThat(device.isConnected()).isTrue();
    }

    /** A server that starts a frame and never finishes it cannot hold the connection. */
    @Test
    void closesAConnectionOnWhichAFrameStalls() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().keepAlive(Duration.ZERO).serverSilenceTimeout(Duration.ZERO)
                .requestTimeout(Duration.ofMillis(500)).build());
        TestIotmpServer.Connection first = connect(device);

        first.sendHex("06"); // the first byte of a STREAM_DATA frame, then nothing
        first.awaitClosed();
        assertThat(device.transportStats().lastFailure()).hasMessageContaining("frame not complete within 500 ms");
        assertThat(device.transportStats().serverSilenceCloses()).isZero();
        Waits.eventually().until(() -> device.transportStats().unreadableFrameCloses() == 1);
    }

    /**
     * A frame declared beyond maxFrameSize closes the connection at its header, before any of its body is held; the
     * close is counted, as the other closes for a broken or hostile server are, and the device reconnects.
     */
    @Test
    void closesAConnectionOnWhichAFrameIsDeclaredTooLargeCountsItAndReconnects() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().maxFrameSize(1024).reconnectBackoff(Duration.ofMillis(10),
                Duration.ofMillis(100)).build());
        TestIotmpServer.Connection first = connect(device);

        first.sendHex("06 80 80 80 80 04"); // a STREAM_DATA of 1 GiB, declared
        first.awaitClosed();
        Waits.eventually().until(() -> device.transportStats().unreadableFrameCloses() == 1);
        assertThat(device.transportStats().lastFailure()).isNotNull();
        assertThat(device.transportStats().malformedFrames()).isZero();

        server.awaitConnection().next(MessageType.CONNECT);
    }

    /**
     * A RUN of some 200 KB whose values would decode to far more than 4 MiB (200,000 empty maps) is dropped as the
     * server drops such a frame of a device: the handler never sees it and the connection goes on.
     */
    @Test
    void dropsAFrameWhoseValuesExceedTheDecodedSizeBound() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().keepAlive(Duration.ZERO).build());
        AtomicInteger sinkCalls = new AtomicInteger();
        device.resource("sink").input(input -> sinkCalls.incrementAndGet());
        device.resource("probe").output(() -> "alive");
        TestIotmpServer.Connection connection = connect(device);

        List<Map<String, Object>> emptyMaps = Collections.nCopies(200_000, Map.of());
        connection.send(IotmpMessage.run(5, "sink", null, emptyMaps));
        // frames are handled in order: once the probe is answered, the large RUN was handled (or dropped) before it
        connection.send(IotmpMessage.run(6, "probe", null, null));
        IotmpMessage answer = connection.next();
        assertThat(answer.type()).isEqualTo(MessageType.OK);
        assertThat(answer.streamId()).as("the probe's answer, and none for the large RUN").isEqualTo(6);
        assertThat(answer.payload()).isEqualTo("alive");
        assertThat(sinkCalls).as("calls of the handler").hasValue(0);
        assertThat(device.transportStats().malformedFrames()).isEqualTo(1);
        assertThat(device.isConnected()).isTrue();
    }

    @Test
    void builderDefaultsAndValidation() {
        startServer();
        DeviceClientConfig defaults = newDevice().config();
        assertThat(defaults.maxPendingWriteBytes()).isEqualTo(1024 * 1024);
        assertThat(defaults.serverSilenceTimeout()).isEqualTo(Duration.ofSeconds(130)); // 2 x 60 s + 10 s
        assertThat(defaults.maxDecodedFrameBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(track(deviceBuilder().keepAlive(Duration.ZERO).build()).config().serverSilenceTimeout())
                .as("no keep-alive, nothing to expect from a quiet server").isZero();
        assertThat(track(deviceBuilder().serverSilenceTimeout(Duration.ofSeconds(5)).build()).config()
                .serverSilenceTimeout()).isEqualTo(Duration.ofSeconds(5));

        assertThatThrownBy(() -> deviceBuilder().maxPendingWriteBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> deviceBuilder().maxDecodedFrameBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> deviceBuilder().serverSilenceTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
