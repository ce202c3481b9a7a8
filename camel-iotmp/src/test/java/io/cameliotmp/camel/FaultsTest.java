package io.cameliotmp.camel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.netty.channel.nio.NioEventLoopGroup;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Faults and the delivery contract: nothing hangs, nothing acknowledged is lost, nothing dropped is silent. */
class FaultsTest extends IotmpCamelTestSupport {

    private final int dropPort = TestPorts.next();
    private final int fleetPort = TestPorts.next();
    private final int pausePort = TestPorts.next();
    private final CountDownLatch pauseRouteBlocked = new CountDownLatch(1);
    private final CountDownLatch dropRouteBlocked = new CountDownLatch(1);
    private final AtomicLong routeCompletedAt = new AtomicLong();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").to("iotmp:device:alice?requestTimeout=60000");
                from("iotmp:server:slow").delay(300)
                        .process(e -> routeCompletedAt.set(System.nanoTime())).setBody(constant("done"));
                from("iotmp:device:alice/esp32/data?port=" + dropPort
                     + "&maxInFlight=2&backpressurePolicy=DROP_SAMPLES")
                        .threads(1) // asynchronous: deliveries stay in flight while the route is blocked
                        .process(e -> dropRouteBlocked.await(30, TimeUnit.SECONDS)).to("mock:kept");
                from("iotmp:events?port=" + fleetPort + "&workerThreads=2").routeId("fleet").to("mock:fleetEvents");
                from("iotmp:device:alice/esp32/data?port=" + pausePort + "&maxInFlight=2")
                        .process(e -> pauseRouteBlocked.await(30, TimeUnit.SECONDS));
            }
        };
    }

    @Test
    void serverStopWithCallsInFlightDisconnectsEveryDeviceFailsEveryCallAndLeavesNoThread() throws Exception {
        List<RawIotmpSocket> devices = new ArrayList<>();
        List<CompletableFuture<DeviceReply>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "dev" + i, "pw");
                devices.add(device);
                calls.add(server(port).send(new DeviceId("alice", "dev" + i), DeviceRequest.run("temperature", null),
                        Duration.ofSeconds(60)));
                assertThat(device.readMessage(Generation.GEN2).type()).isEqualTo(MessageType.RUN);
            }
            context.stop();
            for (RawIotmpSocket device : devices) {
                assertThat(device.readFrameHex()).as("told DISCONNECT").isEqualTo("04 00");
                assertThat(device.closedWithin(WAIT)).isTrue();
            }
        } finally {
            for (RawIotmpSocket device : devices) {
                device.close();
            }
        }
        for (CompletableFuture<DeviceReply> call : calls) {
            assertThat(call).failsWithin(WAIT).withThrowableThat()
                    .havingCause().isInstanceOf(DeviceDisconnectedException.class);
        }
        // a thread completes its event loop's termination future just before it ends: wait for it to be gone
        eventually().untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName).filter(name -> name.startsWith("iotmp-")).toList())
                .as("threads of the stopped server").isEmpty());
    }

    @Test
    void okIsSentOnlyAfterTheRouteCompleted() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            device.send(IotmpMessage.run(7, "slow", null, null), Generation.GEN2);
            IotmpMessage ok = device.readMessage(Generation.GEN2);
            long okReceivedAt = System.nanoTime();
            assertThat(ok).isEqualTo(IotmpMessage.ok(7, "done"));
            assertThat(routeCompletedAt.get()).isPositive().isLessThan(okReceivedAt);
        }
    }

    @Test
    void samplesDroppedByPolicyAreCountedAndTheRestDelivered() throws Exception {
        int samples = 200;
        MockEndpoint kept = getMockEndpoint("mock:kept");
        try (RawIotmpSocket device = RawIotmpSocket.connect(dropPort, "alice", "esp32", "pw")) {
            IotmpMessage start = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            for (int i = 0; i < samples; i++) {
                device.send(IotmpMessage.streamData(start.streamId(), i), Generation.GEN2);
            }
            device.sendHex("05 00");
            DeviceConnection session = server(dropPort).registry().session(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            eventually().until(() -> session.counters().samplesIn() == samples);
            dropRouteBlocked.countDown();
            long dropped = session.counters().samplesDropped();
            assertThat(dropped).as("dropped while the route was blocked").isPositive();
            kept.expectedMessageCount((int) (samples - dropped));
            kept.setResultWaitTime(WAIT.toMillis());
            kept.assertIsSatisfied();
            assertThat(kept.getReceivedCounter() + dropped).isEqualTo(samples);
        }
    }

    @Test
    void aDeviceTheServerStoppedReadingIsNotTakenForSilent() throws Exception {
        try (RawIotmpSocket device = new RawIotmpSocket(pausePort)) {
            device.send(IotmpMessage.of(MessageType.CONNECT, 1, java.util.Map.of("ka", 1),
                    java.util.List.of("alice", "esp32", "pw"), null), Generation.GEN2);
            assertThat(device.readFrameHex()).isEqualTo("01 02 08 01");
            IotmpMessage start = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            for (int i = 0; i < 10; i++) {
                device.send(IotmpMessage.streamData(start.streamId(), i), Generation.GEN2);
            }
            DeviceConnection session = server(pausePort).registry().session(new DeviceId("alice", "esp32"))
                    .orElseThrow();
            eventually().until(() -> session.counters().readingPaused());
            // over twice the 1.15 s idle limit of a 1 s keep-alive, while not being read: the session must stay
            // open and paused all along (a slow machine only makes the idle checks come later, never earlier)
            eventually().during(Duration.ofMillis(2500))
                    .until(() -> session.isActive() && session.counters().readingPaused());
            pauseRouteBlocked.countDown();
            device.sendHex("05 00");
            assertThat(device.readUntil(MessageType.KEEP_ALIVE, Generation.GEN2)).isEqualTo(IotmpMessage.KEEP_ALIVE);
        }
    }

    @Test
    void aThousandDevicesReconnectAtOnceAfterTheServerComesBack() throws Exception {
        int fleet = 1000;
        NioEventLoopGroup group = new NioEventLoopGroup(2);
        List<IotmpDevice> devices = new ArrayList<>();
        try {
            for (int i = 0; i < fleet; i++) {
                IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(fleetPort)
                        .credentials("alice", "fleet-" + i, "pw").eventLoopGroup(group)
                        .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)).build();
                devices.add(device);
                device.start();
            }
            awaitConnected(fleet);

            context.getRouteController().stopRoute("fleet"); // the last user of that server: it stops
            context.getRouteController().startRoute("fleet");
            awaitConnected(fleet);
        } finally {
            devices.forEach(IotmpDevice::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private void awaitConnected(int fleet) {
        // a thousand handshakes on a busy machine: a bound of its own, well above what a quiet one needs (seconds)
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> server(fleetPort) != null && server(fleetPort).registry().size() >= fleet);
        assertThat(server(fleetPort).registry().size()).isEqualTo(fleet);
    }

}
