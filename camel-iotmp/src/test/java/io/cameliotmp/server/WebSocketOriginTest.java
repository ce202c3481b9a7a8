package io.cameliotmp.server;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LoopbackSockets;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.server.RawWebSocket.closedWithin;
import static io.cameliotmp.server.RawWebSocket.frame;
import static io.cameliotmp.server.RawWebSocket.readFrame;
import static io.cameliotmp.server.RawWebSocket.readHttpHead;
import static io.cameliotmp.server.RawWebSocket.upgradeRequest;
import static io.cameliotmp.server.RawWebSocket.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Browsers open WebSocket connections to whatever site a page names, with the page's {@code Origin}; device
 * libraries send no origin. An upgrade from a page is refused before a CONNECT can be sent, unless its origin is one
 * of {@code webSocketAllowedOrigins}: a page opened behind a fleet's network must not be able to guess credentials
 * from that network's address and have it blocked for the devices behind it.
 */
class WebSocketOriginTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final LoopbackSockets sockets = new LoopbackSockets();
    private IotmpServer server;

    @AfterEach
    void stop() throws IOException {
        sockets.close();
        if (server != null) {
            server.stop();
        }
    }

    private void start(List<String> allowedOrigins) {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).transport(Transport.WEBSOCKET)
                .webSocketAllowedOrigins(allowedOrigins)
                .metrics(MicrometerServerMetrics.factory(meters))
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0)
                        .maxAuthFailuresPerAddress(2).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
    }

    /** Sends an upgrade with {@code origin} (none when null) and answers the head of the server's answer. */
    private Socket upgradeFrom(String origin, String expectedStatus) throws IOException {
        Socket socket = sockets.to(server.localAddress().getPort());
        // the Host a client names, with the port, so that the server's own origin can be told
        String request = upgradeRequest(origin == null ? "" : "Origin: " + origin + "\r\n")
                .replace("Host: 127.0.0.1\r\n", "Host: 127.0.0.1:" + server.localAddress().getPort() + "\r\n");
        write(socket, request.getBytes(StandardCharsets.US_ASCII));
        assertThat(readHttpHead(socket)).as("the answer to an upgrade from %s", origin).startsWith(expectedStatus);
        return socket;
    }

    private String connect(Socket socket, String credential) throws IOException {
        write(socket, frame(Frames.encode(IotmpMessage.connect(1, "alice", "esp32", credential), Generation.GEN2)));
        return Hex.format(readFrame(socket));
    }

    private double refusals(String reason) {
        return meters.find("iotmp.refusals").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void byDefaultAPageIsRefusedBeforeItCanGuessAndTheAddressStaysOpen() throws Exception {
        start(List.of());
        for (int i = 0; i < 5; i++) {
            Socket page = upgradeFrom("https://attacker.example", "HTTP/1.1 403");
            assertThat(closedWithin(page, Waits.WAIT)).isTrue();
        }
        Waits.eventually().alias("five refusals counted").until(() -> refusals("websocket-origin") == 5.0);
        assertThat(refusals("address-blocked")).isZero();
        // a device (no origin) from the same address: its guesses would count, but none of the page's did
        assertThat(connect(upgradeFrom(null, "HTTP/1.1 101"), "pw")).isEqualTo("01 02 08 01");
    }

    @Test
    void aListedOriginIsTakenAndAnotherIsNot() throws Exception {
        start(IotmpServerConfig.parseOrigins("https://Console.Example.com, http://localhost:8080"));
        assertThat(connect(upgradeFrom("https://console.example.com", "HTTP/1.1 101"), "pw"))
                .isEqualTo("01 02 08 01");
        upgradeFrom("http://localhost:8080", "HTTP/1.1 101");
        upgradeFrom("https://console.example.com.attacker.example", "HTTP/1.1 403");
        upgradeFrom("null", "HTTP/1.1 403"); // what a sandboxed page or a file sends
        Waits.eventually().alias("two refusals counted").until(() -> refusals("websocket-origin") == 2.0);
    }

    /** What Netty's client and pages the server served itself send: the origin the request's Host names. */
    @Test
    void theServersOwnOriginIsTaken() throws Exception {
        start(List.of());
        int port = server.localAddress().getPort();
        assertThat(connect(upgradeFrom("http://127.0.0.1:" + port, "HTTP/1.1 101"), "pw")).isEqualTo("01 02 08 01");
        upgradeFrom("http://127.0.0.1:" + (port + 1), "HTTP/1.1 403"); // another port is another site
        upgradeFrom("http://127.0.0.2:" + port, "HTTP/1.1 403");
        upgradeFrom("http://127.0.0.1", "HTTP/1.1 403"); // port 80
        Waits.eventually().alias("three refusals counted").until(() -> refusals("websocket-origin") == 3.0);
    }

    @Test
    void anAsteriskTakesEveryPage() throws Exception {
        start(List.of("*"));
        assertThat(connect(upgradeFrom("https://anywhere.example", "HTTP/1.1 101"), "pw")).isEqualTo("01 02 08 01");
    }

    @Test
    void anEntryThatIsNoOriginIsRefusedAtConfiguration() {
        assertThatThrownBy(() -> IotmpServerConfig.parseOrigins("https://console.example.com/app"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no origin");
        assertThatThrownBy(() -> IotmpServerConfig.parseOrigins("console.example.com"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(IotmpServerConfig.parseOrigins(" , ")).isEmpty();
    }
}
