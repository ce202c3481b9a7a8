package io.cameliotmp.device;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.TestPorts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CONNECT handshake (both generations), refusals, keep-alive, close, event loop and local address options. */
class DeviceConnectionTest extends DeviceTestBase {

    @Test
    void gen2ConnectMatchesVectorF4() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().idGenerator(ids(0x1234)).build());
        CompletionStage<Void> started = device.start();
        TestIotmpServer.Connection connection = server.awaitConnection();
        connection.expectBytes("03 18 08 B4 24 1A E3 85 61 6C 69 63 65 85 65 73 70 33 32 86 73 33 63 72 33 74");
        await(started);
        assertThat(device.isConnected()).isTrue();
        assertThat(device.awaitConnected(Duration.ZERO)).isTrue();
    }

    @Test
    void gen1ConnectAddsParameterOneAndSpeaksPsonV1() throws Exception {
        startServer(Generation.GEN1);
        IotmpDevice device = track(deviceBuilder().credentials("user", "dev", "pass").idGenerator(ids(1)).build());
        CompletionStage<Void> started = device.start();
        TestIotmpServer.Connection connection = server.awaitConnection();
        // iotmp-vectors.md §7: CONNECT id 1, params 1 (varint), payload ["user","dev","pass"] in PSON v1
        connection.expectBytes("03 18 08 01 10 01 19 72 11 4A 04 75 73 65 72 4A 03 64 65 76 4A 04 70 61 73 73");
        await(started);
        assertThat(device.isConnected()).isTrue();
    }

    @Test
    void refusedConnectFailsStartWithTheErrorCode() throws Exception {
        startServer();
        // F8: ERROR id 0x1234, params 2 (bad credentials)
        server.answerConnectWith(connect -> IotmpMessage.error(connect.streamId(), 2L, null));
        IotmpDevice device = track(deviceBuilder().build());

        Throwable failure = awaitFailure(device.start());

        assertThat(failure).isInstanceOf(IotmpConnectRefusedException.class);
        IotmpConnectRefusedException refused = (IotmpConnectRefusedException) failure;
        assertThat(refused.code()).isEqualTo(2L);
        assertThat(refused.answer().type()).isEqualTo(MessageType.ERROR);
        assertThat(device.isConnected()).isFalse();
    }

    @Test
    void redirectRefusalCarriesTheTargetPayload() throws Exception {
        startServer();
        server.answerConnectWith(connect -> IotmpMessage.error(connect.streamId(), 1L, "iotmps://newserver.io"));
        IotmpDevice device = track(deviceBuilder().build());

        IotmpConnectRefusedException refused = (IotmpConnectRefusedException) awaitFailure(device.start());

        assertThat(refused.code()).isEqualTo(1L);
        assertThat(refused.payload()).isEqualTo("iotmps://newserver.io");
    }

    @Test
    void anythingButOkWithTheSameIdIsARefusal() throws Exception {
        startServer();
        server.answerConnectWith(connect -> IotmpMessage.ok(connect.streamId() ^ 1));
        IotmpDevice device = track(deviceBuilder().build());

        IotmpConnectRefusedException refused = (IotmpConnectRefusedException) awaitFailure(device.start());

        assertThat(refused.code()).isNull();
        assertThat(refused.answer().type()).isEqualTo(MessageType.OK);
        TestIotmpServer.Connection connection = server.awaitConnection();
        connection.awaitClosed();
    }

    @Test
    void keepAliveBeforeOkIsARefusal() throws Exception {
        startServer();
        server.answerConnectWith(connect -> IotmpMessage.KEEP_ALIVE);
        IotmpDevice device = track(deviceBuilder().build());

        IotmpConnectRefusedException refused = (IotmpConnectRefusedException) awaitFailure(device.start());

        assertThat(refused.answer().type()).isEqualTo(MessageType.KEEP_ALIVE);
    }

    @Test
    void unansweredConnectTimesOut() throws Exception {
        startServer();
        server.answerConnectWith(connect -> null);
        IotmpDevice device = track(deviceBuilder().requestTimeout(Duration.ofMillis(300)).build());

        Throwable failure = awaitFailure(device.start());

        assertThat(failure).isInstanceOf(IotmpRequestTimeoutException.class);
        server.awaitConnection().awaitClosed();
    }

    @Test
    void failedAttemptsAreToldToTheConnectFailedListeners() throws Exception {
        startServer();
        server.stop();
        IotmpDevice device = track(deviceBuilder().build());
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        device.onConnectFailed(failures::add);

        awaitFailure(device.start());

        assertThat(failures).singleElement().isInstanceOf(IOException.class);
    }

    @Test
    void unreachableServerFailsStartWhenReconnectIsDisabled() throws Exception {
        startServer();
        server.stop();
        IotmpDevice device = track(deviceBuilder().build());

        assertThat(awaitFailure(device.start())).isInstanceOf(IOException.class);
        assertThat(device.isConnected()).isFalse();
    }

    @Test
    void aSocketConnectedToItselfCountsAsFailedAndLeavesThePortFree() throws Exception {
        startServer();
        int port = TestPorts.next();
        // binding the local end to the target address makes the kernel connect the socket to itself
        InetSocketAddress self = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        IotmpDevice device = track(deviceBuilder().port(port).localAddress(self).build());

        Throwable failure = awaitFailure(device.start());

        assertThat(failure).isInstanceOf(ConnectException.class).hasMessageContaining("itself");
        // NIO really closes a socket only once its event loop deregistered it; closing the device waits for that
        device.close();
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(false);
            server.bind(self); // would fail if the reset socket had left a TIME_WAIT behind
        }
    }

    @Test
    void startCanBeRetriedAfterTheDeviceGaveUp() throws Exception {
        startServer();
        server.answerConnectWith(connect -> IotmpMessage.error(connect.streamId(), 2L, null));
        IotmpDevice device = track(deviceBuilder().build());
        awaitFailure(device.start());

        server.answerConnectWith(connect -> IotmpMessage.ok(connect.streamId()));
        await(device.start());

        assertThat(device.isConnected()).isTrue();
    }

    @Test
    void keepAliveIsSentEveryInterval() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().keepAlive(Duration.ofMillis(200)).build());
        CompletionStage<Void> started = device.start();
        TestIotmpServer.Connection connection = server.awaitConnection();
        // the device starts counting when the OK arrives, which the server sends after it got the CONNECT
        TestIotmpServer.Frame connect = connection.nextFrame();
        assertThat(connect.message().type()).isEqualTo(MessageType.CONNECT);
        await(started);

        TestIotmpServer.Frame first = connection.expectBytes("05 00");
        TestIotmpServer.Frame second = connection.expectBytes("05 00");
        TestIotmpServer.Frame third = connection.expectBytes("05 00");

        // the n-th no sooner than n intervals (a busy machine can only make them later); the fixture echoes each
        // one, the echo is ignored and the device stays connected
        List<TestIotmpServer.Frame> keepAlives = List.of(first, second, third);
        for (int n = 1; n <= keepAlives.size(); n++) {
            assertThat(Duration.ofNanos(keepAlives.get(n - 1).receivedNanos() - connect.receivedNanos()))
                    .as("keep-alive %d after the CONNECT", n).isGreaterThanOrEqualTo(Duration.ofMillis(200L * n));
        }
        assertThat(second.message()).isEqualTo(IotmpMessage.KEEP_ALIVE);
        assertThat(device.isConnected()).isTrue();
    }

    @Test
    void noKeepAliveWhenDisabled() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().keepAlive(Duration.ZERO).build());
        TestIotmpServer.Connection connection = connect(device);

        expectNothingSentWithin(Duration.ofMillis(400), device, connection);
    }

    @Test
    void closeSendsDisconnectAndStopsForGood() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .build());
        TestIotmpServer.Connection connection = connect(device);

        device.close();

        connection.expectBytes("04 00");
        connection.awaitClosed();
        assertThat(device.isClosed()).isTrue();
        assertThat(device.isConnected()).isFalse();
        assertThat(device.eventLoop().isShuttingDown()).isTrue();
        expectNoConnectionWithin(Duration.ofMillis(300), device);
        assertThat(awaitFailure(device.start())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeBeforeStartReleasesTheEventLoop() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().build());

        device.close();

        assertThat(device.eventLoop().terminationFuture().await(WAIT.toMillis())).isTrue();
    }

    @Test
    void closeFailsAPendingStart() throws Exception {
        startServer();
        server.answerConnectWith(connect -> null);
        IotmpDevice device = track(deviceBuilder().build());
        CompletionStage<Void> started = device.start();
        server.awaitConnection().next(MessageType.CONNECT);

        device.close();

        assertThat(awaitFailure(started)).isInstanceOf(IotmpDisconnectedException.class);
    }

    @Test
    void requestsFailWhenNotConnected() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().build());

        assertThat(awaitFailure(device.writeBucket("b", Map.of(), true)))
                .isInstanceOf(IotmpDisconnectedException.class);
        assertThat(awaitFailure(device.send(IotmpMessage.KEEP_ALIVE))).isInstanceOf(IotmpDisconnectedException.class);
        assertThat(device.stream("anything")).isFalse();
    }

    @Test
    void bindsTheConfiguredLocalAddress() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().localAddress("127.0.0.2").build());

        TestIotmpServer.Connection connection = connect(device);

        assertThat(connection.remoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
    }

    @Test
    void devicesShareAnEventLoopGroupWithoutShuttingItDown() throws Exception {
        startServer();
        EventLoopGroup shared = new NioEventLoopGroup(2);
        try {
            IotmpDevice first = track(deviceBuilder().eventLoopGroup(shared).credentials("alice", "d1", "x").build());
            IotmpDevice second = track(deviceBuilder().eventLoopGroup(shared).credentials("alice", "d2", "x").build());
            connect(first);
            connect(second);

            first.close();
            second.close();

            assertThat(shared.isShuttingDown()).isFalse();
            assertThat(shared.next().submit(() -> "alive").get()).isEqualTo("alive");
        } finally {
            shared.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void builderRejectsIncompleteConfiguration() {
        assertThatThrownBy(() -> IotmpDevice.builder().credentials("u", "d", "c").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> IotmpDevice.builder().host("h").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("credentials");
        assertThatThrownBy(() -> IotmpDevice.builder().reconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
