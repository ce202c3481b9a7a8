package io.cameliotmp.camel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits of a server facing the internet, each on a server of its own. */
class LimitsTest extends IotmpCamelTestSupport {

    private final int fewConnections = TestPorts.next();
    private final int slowAccept = TestPorts.next();
    private final int addressBlock = TestPorts.next();
    private final int deviceBlock = TestPorts.next();
    private final int slowloris = TestPorts.next();
    private final int deaf = TestPorts.next();
    private final int shortNames = TestPorts.next();

    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    private static String on(int port, String options) {
        return "?port=" + port + (options.isEmpty() ? "" : "&" + options);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events" + on(fewConnections, "maxConnections=3")).to("mock:ignored");
                from("iotmp:events" + on(slowAccept, "maxConnectionsPerSecond=5")).to("mock:ignored");
                from("iotmp:events" + on(addressBlock, "maxAuthFailuresPerAddress=3")).to("mock:ignored");
                from("iotmp:events" + on(deviceBlock, "maxAuthFailuresPerAddress=0&maxAuthFailuresPerDevice=3"))
                        .to("mock:ignored");
                from("iotmp:events" + on(slowloris, "frameReadTimeout=500")).to("mock:ignored");
                from("iotmp:events" + on(shortNames, "maxIdentifierLength=8&maxCredentialLength=6"))
                        .to("mock:ignored");
                String deafOptions = on(deaf, "maxPendingWriteBytes=65536");
                from("iotmp:events" + deafOptions).to("mock:deafEvents");
                from("direct:flood").to("iotmp:topic:flood" + deafOptions);
            }
        };
    }

    /** Connections closed on arrival by a limit, as the metrics of the server on {@code port} count them. */
    private double rejected(int port) {
        return meters.find("iotmp.connections").tags("event", "rejected", "port", String.valueOf(port)).counters()
                .stream().mapToDouble(c -> c.count()).sum();
    }

    private double identifiersTooLong(int port) {
        return meters.find("iotmp.refusals").tags("reason", "identifier-too-long", "port", String.valueOf(port))
                .counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private String connectAnswer(int port, String user, String device, String credential) throws IOException {
        try (RawIotmpSocket socket = new RawIotmpSocket(new Socket("127.0.0.1", port))) {
            socket.send(IotmpMessage.connect(1, user, device, credential), Generation.GEN2);
            return socket.readFrameHex();
        }
    }

    private static void assertRefusedAtOnce(Socket socket) throws IOException {
        try (RawIotmpSocket raw = new RawIotmpSocket(socket)) {
            assertThat(raw.closedWithin(WAIT)).as("closed without a word").isTrue();
        }
    }

    /**
     * maxIdentifierLength and maxCredentialLength: names and credentials at the limits reach the authenticator, longer
     * ones are refused before it, each counted as identifier-too-long.
     */
    @Test
    void identifiersAndCredentialsBeyondTheirLimitsAreRefusedBeforeTheAuthenticator() throws Exception {
        assertThat(connectAnswer(shortNames, "alice", "d2345678", "pw")).as("an 8-character device id")
                .isEqualTo("01 02 08 01");
        assertThat(connectAnswer(shortNames, "alice", "d23456789", "pw")).isEqualTo("02 02 08 01");
        assertThat(identifiersTooLong(shortNames)).isEqualTo(1.0);
        // the authenticator's refusal says why (bad credentials); a limit's says nothing
        assertThat(connectAnswer(shortNames, "alice", "esp32", "pw-345")).as("a wrong 6-character credential")
                .isEqualTo("02 04 08 01 10 02");
        assertThat(identifiersTooLong(shortNames)).as("refused by the authenticator, not the limit").isEqualTo(1.0);
        assertThat(connectAnswer(shortNames, "alice", "esp32", "pw-3456")).isEqualTo("02 02 08 01");
        assertThat(identifiersTooLong(shortNames)).isEqualTo(2.0);
        assertThat(connectAnswer(shortNames, "alice-6789", "esp32", "pw")).as("a 10-character user name")
                .isEqualTo("02 02 08 01");
        assertThat(identifiersTooLong(shortNames)).isEqualTo(3.0);
    }

    @Test
    void connectionsBeyondTheMaximumAreClosed() throws Exception {
        List<RawIotmpSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(RawIotmpSocket.connect(fewConnections, "alice", "d" + i, "pw"));
            }
            assertRefusedAtOnce(new Socket("127.0.0.1", fewConnections));
            assertThat(rejected(fewConnections)).isEqualTo(1.0);
            open.get(0).sendHex("05 00");
            assertThat(open.get(0).readFrameHex()).isEqualTo("05 00");
        } finally {
            for (RawIotmpSocket socket : open) {
                socket.close();
            }
        }
    }

    @Test
    void connectionRateIsLimited() throws Exception {
        // Connections in bursts of 20 until one is refused. Each connection's fate is read, not timed: an admitted
        // one answers its CONNECT, a refused one is closed. Five tokens at first and five more per second make the
        // admitted ones at most 5 + 5 per second that the bursts took, however slow the machine is.
        List<RawIotmpSocket> sockets = new ArrayList<>();
        int admitted = 0;
        int refused = 0;
        long started = System.nanoTime();
        try {
            while (refused == 0 && sockets.size() < 200) {
                List<RawIotmpSocket> burst = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    burst.add(new RawIotmpSocket(new Socket("127.0.0.1", slowAccept)));
                }
                sockets.addAll(burst);
                for (RawIotmpSocket socket : burst) {
                    if (isAdmitted(socket, "d" + admitted)) {
                        admitted++;
                    } else {
                        refused++;
                    }
                }
            }
        } finally {
            for (RawIotmpSocket socket : sockets) {
                socket.close();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(refused).as("connections refused by the rate limit").isPositive();
        assertThat(admitted).as("the first five are always admitted").isGreaterThanOrEqualTo(5)
                .isLessThanOrEqualTo((int) Math.floor(5 + 5 * seconds));
        assertThat(rejected(slowAccept)).as("every refusal counted").isEqualTo(refused);
    }

    /** Sends a CONNECT: true when it is answered OK, false when the server closed the connection instead. */
    private static boolean isAdmitted(RawIotmpSocket socket, String device) throws IOException {
        try {
            socket.send(IotmpMessage.connect(1, "alice", device, "pw"), Generation.GEN2);
            assertThat(socket.readFrameHex()).isEqualTo("01 02 08 01");
            return true;
        } catch (java.net.SocketTimeoutException e) {
            throw e; // neither answered nor closed
        } catch (IOException e) {
            return false; // closed or reset without a word
        }
    }

    @Test
    void anAddressWhereTooManyDistinctDevicesFailIsBlocked() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RawIotmpSocket socket = new RawIotmpSocket(addressBlock)) {
                socket.send(IotmpMessage.connect(1, "alice", "scanned-" + i, "wrong"), Generation.GEN2);
                assertThat(socket.readFrameHex()).isEqualTo("02 04 08 01 10 02");
            }
        }
        // even with the right credential now
        assertThatThrownBy(() -> RawIotmpSocket.connect(addressBlock, "alice", "esp32", "pw"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aDeviceWithTooManyFailedAuthenticationsIsRefusedFromThatAddressOnly() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RawIotmpSocket socket = new RawIotmpSocket(deviceBlock)) {
                socket.send(IotmpMessage.connect(1, "alice", "flapping", "wrong"), Generation.GEN2);
                assertThat(socket.readFrameHex()).isEqualTo("02 04 08 01 10 02");
            }
        }
        try (RawIotmpSocket socket = new RawIotmpSocket(deviceBlock)) {
            socket.send(IotmpMessage.connect(1, "alice", "flapping", "pw"), Generation.GEN2);
            assertThat(socket.readFrameHex()).as("generic refusal, even with the right credential")
                    .isEqualTo("02 02 08 01");
        }
        // whoever tried the wrong secrets cannot lock the real device out: from elsewhere it gets in
        Socket elsewhere = new Socket();
        elsewhere.bind(new InetSocketAddress("127.0.0.2", 0));
        elsewhere.connect(new InetSocketAddress("127.0.0.1", deviceBlock));
        try (RawIotmpSocket socket = new RawIotmpSocket(elsewhere)) {
            socket.send(IotmpMessage.connect(1, "alice", "flapping", "pw"), Generation.GEN2);
            assertThat(socket.readFrameHex()).isEqualTo("01 02 08 01");
        }
        RawIotmpSocket.connect(deviceBlock, "alice", "other", "pw").close();
    }

    @Test
    void aFrameThatArrivesByTheDripIsCutOff() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(slowloris, "alice", "esp32", "pw")) {
            device.sendHex("06 7F 08");
            // a byte every 150 ms, for as long as the connection is open, but never the 127 the frame needs: the
            // deadline is checked when bytes arrive, and however late this thread runs, more than 500 ms pass
            // between the first byte and a later one long before the frame could be complete
            Thread drip = new Thread(() -> {
                try {
                    for (int i = 0; i < 120; i++) {
                        Thread.sleep(150);
                        device.sendHex("01");
                    }
                } catch (Exception e) {
                    // the server closed the connection: what this test wants
                }
            });
            drip.start();
            // each byte keeps the connection from looking idle; only the frame deadline (500 ms) can close it
            assertThat(device.closedWithin(WAIT)).isTrue();
            drip.interrupt();
            drip.join(WAIT.toMillis());
        }
    }

    @Test
    void aDeviceThatStopsReadingIsDisconnectedInsteadOfBufferedFor() throws Exception {
        MockEndpoint events = getMockEndpoint("mock:deafEvents");
        events.expectedMessageCount(2);
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", deaf));
        try (RawIotmpSocket device = new RawIotmpSocket(socket)) {
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).isEqualTo("01 02 08 01");
            device.send(IotmpMessage.startStream(2, 8, Map.of("event", "device_topic_publish", "scope", "subscribe",
                    "topic", "flood")), Generation.GEN2);
            assertThat(device.readFrameHex()).isEqualTo("01 02 08 02");
            byte[] payload = new byte[8192];
            for (int i = 0; i < 4000 && events.getReceivedCounter() < 2; i++) {
                template.sendBody("direct:flood", payload);
            }
            events.assertIsSatisfied();
        }
        assertThat(events.getExchanges().get(1).getMessage().getHeader(IotmpConstants.REASON, String.class))
                .contains("stopped reading");
        assertThat(meters.get("iotmp.pending.writes.exceeded").tag("port", String.valueOf(deaf)).counter().count())
                .as("the close counted once, whichever of the session and the transport found it").isEqualTo(1.0);
    }
}
