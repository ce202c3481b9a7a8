package io.cameliotmp.device;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Streams the device opens on server events (docs/protocol.md §8.3). */
class DeviceServerStreamTest extends DeviceTestBase {

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

    private static Map<String, Object> mqttSubscription() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("event", "device_topic_publish");
        params.put("scope", "subscribe");
        params.put("topic", "cmd");
        return params;
    }

    private Object nextReceived() throws InterruptedException {
        Object data = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(data).as("data delivered to the stream consumer").isNotNull();
        return data;
    }

    @Test
    void openMatchesVectorS6AndCarriesDataBothWays() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().idGenerator(ids(0x4321, 0x0101)).build());
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<ServerStream> opening = device.openServerStream(mqttSubscription(), received::add);

        c.expectBytes("08 3C 08 81 02 12 C3 85 65 76 65 6E 74 94 64 65 76 69 63 65 5F 74 6F 70 69 63 5F 70 75 62"
                      + " 6C 69 73 68 85 73 63 6F 70 65 89 73 75 62 73 63 72 69 62 65 85 74 6F 70 69 63 83 63 6D 64"
                      + " 20 08");
        c.send(IotmpMessage.ok(0x0101, "retained"));
        ServerStream stream = await(opening);
        assertThat(stream.isOpen()).isTrue();
        assertThat(stream.id()).isEqualTo(0x0101);
        assertThat(nextReceived()).as("OK payload goes to the consumer").isEqualTo("retained");

        c.send(IotmpMessage.streamData(0x0101, Map.of("msg", "on")));
        assertThat(nextReceived()).isEqualTo(Map.of("msg", "on"));

        await(stream.send("pub"));
        c.expectBytes("0A 08 08 81 02 1A 83 70 75 62");
    }

    @Test
    void withoutWaitingForAConnectionTheFirstOpenFailsWhenThereIsNoneOrItEnds() throws Exception {
        startServer();
        IotmpDevice idle = newDevice();
        assertThat(awaitFailure(idle.openServerStream(mqttSubscription(), received::add, false)))
                .as("not started, so not connected").isInstanceOf(IotmpDisconnectedException.class);

        IotmpDevice device = newDevice();
        TestIotmpServer.Connection c = connect(device);
        CompletionStage<ServerStream> opening = device.openServerStream(mqttSubscription(), received::add, false);
        c.next(MessageType.START_STREAM);
        c.close(); // unanswered

        assertThat(awaitFailure(opening)).isInstanceOf(IotmpDisconnectedException.class);
    }

    @Test
    void aStreamClosedAsItOpensDeliversNotEvenItsOkPayload() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().idGenerator(ids(0x4321, 0x0101, 0x0202)).build());
        TestIotmpServer.Connection c = connect(device);
        // as a subscription route that stopped before the server accepted its stream
        device.openServerStream(mqttSubscription(), received::add).thenAccept(ServerStream::close);
        c.next(MessageType.START_STREAM);
        c.send(IotmpMessage.ok(0x0101, "retained"));
        assertThat(c.next(MessageType.STOP_STREAM).streamId()).isEqualTo(0x0101);
        c.send(IotmpMessage.ok(0x0101));

        device.openServerStream(mqttSubscription(), received::add);
        assertThat(c.next(MessageType.START_STREAM).streamId()).isEqualTo(0x0202);
        c.send(IotmpMessage.ok(0x0202, "second"));

        // delivered in order: the closed stream's payload, had it gone out, would come first
        assertThat(nextReceived()).isEqualTo("second");
    }

    @Test
    void closeSendsStopStreamAndWaitsForTheAnswer() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().idGenerator(ids(0x4321, 0x0101)).build());
        TestIotmpServer.Connection c = connect(device);
        CompletionStage<ServerStream> opening = device.openServerStream(mqttSubscription(), received::add);
        c.next(MessageType.START_STREAM);
        c.send(IotmpMessage.ok(0x0101));
        ServerStream stream = await(opening);

        CompletionStage<Void> closing = stream.close();

        c.expectBytes("09 03 08 81 02");
        assertThat(closing.toCompletableFuture().isDone()).isFalse();
        c.send(IotmpMessage.ok(0x0101));
        await(closing);
        assertThat(stream.isClosed()).isTrue();
        assertThat(stream.isOpen()).isFalse();
        assertThat(awaitFailure(stream.send("late"))).isInstanceOf(IotmpDisconnectedException.class);
    }

    @Test
    void closeWhileReopeningStopsTheStreamOnceTheServerAcceptedIt() throws Exception {
        Reopening reopening = openThenReconnect();
        IotmpDevice device = reopening.device();
        ServerStream stream = reopening.stream();
        TestIotmpServer.Connection again = reopening.again();
        int reopenedId = reopening.reopenedId();

        CompletionStage<Void> closing = stream.close(); // the START_STREAM is still unanswered

        // no STOP_STREAM for a stream the server has not accepted yet
        expectNothingSentWithin(Duration.ofMillis(100), device, again);
        again.send(IotmpMessage.ok(reopenedId));
        assertThat(again.next()).isEqualTo(IotmpMessage.stopStream(reopenedId));
        assertThat(closing.toCompletableFuture().isDone()).isFalse();
        again.send(IotmpMessage.ok(reopenedId));
        await(closing);
        assertThat(stream.isClosed()).isTrue();
        assertThat(stream.isOpen()).isFalse();
    }

    @Test
    void closeWhileDisconnectedJustForgetsTheStream() throws Exception {
        startServer();
        // a reconnect (after 15 to 30 min) must not come before the test is over, however slow the machine
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMinutes(30), Duration.ofMinutes(30))
                .build());
        CountDownLatch disconnected = new CountDownLatch(1);
        device.onDisconnected(disconnected::countDown);
        TestIotmpServer.Connection c = connect(device);
        CompletionStage<ServerStream> opening = device.openServerStream(mqttSubscription(), received::add);
        c.send(IotmpMessage.ok(c.next(MessageType.START_STREAM).streamId()));
        ServerStream stream = await(opening);
        c.close();
        assertThat(disconnected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(stream.isOpen()).isFalse();

        await(stream.close());

        assertThat(stream.isClosed()).isTrue();
    }

    @Test
    void refusedStreamFailsAndIsNotOpenedAgain() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(50))
                .idGenerator(ids(0x4321, 0x0101)).build());
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<ServerStream> opening = device.openServerStream(Map.of("event", "nope"), received::add);
        c.next(MessageType.START_STREAM);
        c.send(IotmpMessage.error(0x0101, 404L, Map.of("error", "unknown event")));

        Throwable failure = awaitFailure(opening);
        assertThat(failure).isInstanceOf(IotmpErrorException.class);
        assertThat(((IotmpErrorException) failure).code()).isEqualTo(404L);

        c.close();
        TestIotmpServer.Connection again = server.awaitConnection();
        again.next(MessageType.CONNECT);
        expectNothingSentWithin(Duration.ofMillis(300), device, again);
    }

    @Test
    void streamsAreOpenedAgainAfterEveryReconnect() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(50))
                .build());
        TestIotmpServer.Connection c = connect(device);
        CompletionStage<ServerStream> opening = device.openServerStream(mqttSubscription(), received::add);
        IotmpMessage start = c.next(MessageType.START_STREAM);
        c.send(IotmpMessage.ok(start.streamId()));
        ServerStream stream = await(opening);

        c.close();

        TestIotmpServer.Connection again = server.awaitConnection();
        again.next(MessageType.CONNECT);
        IotmpMessage reopened = again.next(MessageType.START_STREAM);
        assertThat(reopened.resource()).isEqualTo(8L);
        assertThat(reopened.parameters()).isEqualTo(mqttSubscription());
        again.send(IotmpMessage.ok(reopened.streamId()));
        again.send(IotmpMessage.streamData(reopened.streamId(), "after reconnect"));
        assertThat(nextReceived()).isEqualTo("after reconnect");
        assertThat(stream.id()).isEqualTo(reopened.streamId());
        assertThat(stream.isOpen()).isTrue();
    }

    @Test
    void streamsRegisteredBeforeStartOpenWithTheConnection() throws Exception {
        startServer();
        IotmpDevice device = newDevice();
        CompletionStage<ServerStream> opening = device.openServerStream(Map.of("event", "device_state_change"),
                received::add);

        TestIotmpServer.Connection c = connect(device);

        IotmpMessage start = c.next(MessageType.START_STREAM);
        assertThat(start.parameters()).isEqualTo(Map.of("event", "device_state_change"));
        assertThat(opening.toCompletableFuture().isDone()).isFalse();
        c.send(IotmpMessage.ok(start.streamId()));
        assertThat(await(opening).isOpen()).isTrue();
    }

    @Test
    void serverMayStopTheStream() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(50))
                .idGenerator(ids(0x4321, 0x0101)).build());
        TestIotmpServer.Connection c = connect(device);
        CompletionStage<ServerStream> opening = device.openServerStream(mqttSubscription(), received::add);
        c.next(MessageType.START_STREAM);
        c.send(IotmpMessage.ok(0x0101));
        ServerStream stream = await(opening);

        c.send(IotmpMessage.stopStream(0x0101));

        c.expectBytes("01 03 08 81 02");
        assertThat(stream.isClosed()).isTrue();
        c.close();
        TestIotmpServer.Connection again = server.awaitConnection();
        again.next(MessageType.CONNECT);
        expectNothingSentWithin(Duration.ofMillis(300), device, again);
    }

    @Test
    void aStreamTheServerStopsBeforeAcceptingItFailsItsOpenAndIgnoresTheLateOk() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().idGenerator(ids(0x4321, 0x0101, 0x0202)).build());
        TestIotmpServer.Connection c = connect(device);
        CompletionStage<ServerStream> opening = device.openServerStream(mqttSubscription(), received::add);
        c.next(MessageType.START_STREAM);

        // a server that stops what it has not accepted yet, then accepts it anyway
        c.send(IotmpMessage.stopStream(0x0101));
        assertThat(c.next()).isEqualTo(IotmpMessage.ok(0x0101));
        c.send(IotmpMessage.ok(0x0101, "late"));

        assertThat(awaitFailure(opening)).isInstanceOf(IotmpErrorException.class)
                .hasMessageContaining("stopped");
        // the late OK neither reopened the stopped stream nor delivered its payload: the next stream's comes first
        device.openServerStream(mqttSubscription(), received::add);
        assertThat(c.next(MessageType.START_STREAM).streamId()).isEqualTo(0x0202);
        c.send(IotmpMessage.ok(0x0202, "second"));
        assertThat(nextReceived()).isEqualTo("second");
    }

    @Test
    void closeWhileReopeningCompletesWhenTheServerStopsTheStreamBeforeAcceptingIt() throws Exception {
        Reopening reopening = openThenReconnect();
        IotmpDevice device = reopening.device();
        ServerStream stream = reopening.stream();
        TestIotmpServer.Connection again = reopening.again();
        int reopenedId = reopening.reopenedId();
        CompletionStage<Void> closing = stream.close(); // STOP_STREAM would follow the OK of the START_STREAM
        device.eventLoop().submit(() -> { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // the close ran before

        again.send(IotmpMessage.stopStream(reopenedId));
        assertThat(again.next()).isEqualTo(IotmpMessage.ok(reopenedId));
        again.send(IotmpMessage.ok(reopenedId));

        await(closing); // the server ended the stream: nothing left to stop
        assertThat(stream.isClosed()).isTrue();
        assertThat(stream.isOpen()).isFalse();
        expectNothingSentWithin(Duration.ofMillis(100), device, again);
    }

    /** A server stream the device opened, and reopens (unanswered yet) on its next connection. */
    private record Reopening(IotmpDevice device, ServerStream stream, TestIotmpServer.Connection again,
                             int reopenedId) {
    }

    private Reopening openThenReconnect() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(50))
                .build());
        TestIotmpServer.Connection c = connect(device);
        CompletionStage<ServerStream> opening = device.openServerStream(mqttSubscription(), received::add);
        c.send(IotmpMessage.ok(c.next(MessageType.START_STREAM).streamId()));
        ServerStream stream = await(opening);
        c.close();
        TestIotmpServer.Connection again = server.awaitConnection();
        again.next(MessageType.CONNECT);
        int reopenedId = again.next(MessageType.START_STREAM).streamId();
        return new Reopening(device, stream, again, reopenedId);
    }

    @Test
    void gen1PutsTheEventCodeInFieldThree() throws Exception {
        startServer(Generation.GEN1);
        IotmpDevice device = newDevice();
        TestIotmpServer.Connection c = connect(device);

        CompletionStage<ServerStream> opening = device.openServerStream(Map.of("event", "e"), received::add);

        TestIotmpServer.Frame frame = c.nextFrame();
        assertThat(frame.message().resource()).isEqualTo(8L);
        assertThat(frame.message().parameters()).isEqualTo(Map.of("event", "e"));
        assertThat(frame.hex()).endsWith("18 08");
        c.send(IotmpMessage.ok(frame.message().streamId()));
        ServerStream stream = await(opening);

        await(stream.send(1L));
        // gen-1 marks what the device publishes as output: PARAMETERS 2
        assertThat(c.nextFrame().message())
                .isEqualTo(IotmpMessage.of(MessageType.STREAM_DATA, stream.id(), 2L, 1L, null));
    }
}
