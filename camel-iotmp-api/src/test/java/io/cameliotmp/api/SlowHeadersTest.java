package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.test.FreePorts;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One client address cannot take all of Tomcat's connections ({@code server.tomcat.max-connections}, 20 here) by
 * sending its requests' headers a byte at a time (slowloris): no valve or filter ever sees such a request, and each
 * byte restarts Tomcat's read timeout, so only a bound at accept time helps. Beyond
 * {@code camel.iotmp.api.max-connections-per-address} (10 here) its connections are closed as they are accepted, and a
 * client from another address (127.0.0.2) is still answered.
 */
@TestPropertySource(properties = {"server.tomcat.max-connections=" + SlowHeadersTest.MAX_CONNECTIONS,
    "camel.iotmp.api.max-connections-per-address=" + SlowHeadersTest.PER_ADDRESS})
@DirtiesContext
class SlowHeadersTest extends ApiTestSupport {

    static final int MAX_CONNECTIONS = 20;
    static final int PER_ADDRESS = 10;
    /** More than Tomcat takes at all: the accept queue (its acceptCount, 100) holds the rest. */
    private static final int ATTACKERS = MAX_CONNECTIONS + 10;
    private static final int OWN_IOTMP_PORT = FreePorts.next();

    @DynamicPropertySource
    static void ownIotmpPort(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> OWN_IOTMP_PORT);
    }

    @Autowired
    ServletWebServerApplicationContext context;

    @Autowired
    ConnectionsPerAddress perAddress;

    @Autowired
    @Qualifier("iotmpApiConnectionMetrics")
    MeterBinder metrics;

    private final List<Socket> attackers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTheAttack() throws IOException {
        drip.shutdownNow();
        for (Socket attacker : attackers) {
            attacker.close();
        }
    }

    @Test
    void oneAddressDrippingHeadersCannotLockOtherClientsOut() throws Exception {
        for (int i = 0; i < ATTACKERS; i++) {
            Socket attacker = from("127.0.0.1");
            attacker.getOutputStream().write("GET /console/ HTTP/1.1\r\nHost: localhost\r\nX-Drip: "
                    .getBytes(StandardCharsets.US_ASCII));
            attackers.add(attacker);
        }
        // a byte of the header now and then, never its end; one closed by the server is left alone (this is the
        // attack's pace, no synchronisation: the test waits on Tomcat's own count below)
        drip.scheduleWithFixedDelay(() -> attackers.removeIf(attacker -> {
            try {
                attacker.getOutputStream().write('a');
                return false;
            } catch (IOException closed) {
                return true;
            }
        }), 1, 1, TimeUnit.SECONDS);
        await("the attack holds its connections").atMost(WAIT).until(() -> connections() >= PER_ADDRESS);

        // connected after every attacker, so accepted after them: answered only if they do not hold all connections
        try (Socket other = from("127.0.0.2")) {
            other.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = other.getOutputStream();
            out.write("GET /console/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(statusLine(other.getInputStream())).startsWith("HTTP/1.1 200");
        }
        // Tomcat's count has the place its acceptor takes before it accepts, and maybe the other client's yet
        assertThat(connections()).as("connections Tomcat holds").isLessThanOrEqualTo(PER_ADDRESS + 2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        assertThat(registry.get("iotmp.api.connections.refused").tag("reason", "per-address").functionCounter()
                .count()).isEqualTo(ATTACKERS - PER_ADDRESS);
        await("the other client's connection is given back").atMost(WAIT)
                .until(() -> registry.get("iotmp.api.connections.tracked.addresses").gauge().value() == 1);

        // the attack ends: every place is given back, and the table of addresses is empty
        drip.shutdownNow();
        assertThat(drip.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        for (Socket attacker : attackers) {
            attacker.close();
        }
        await("the attack's connections are given back").atMost(WAIT)
                .until(() -> perAddress.trackedAddresses() == 0 && connections() <= 1);
    }

    private Socket from(String address) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
        return socket;
    }

    private long connections() {
        TomcatWebServer server = (TomcatWebServer) context.getWebServer();
        return ((AbstractProtocol<?>) server.getTomcat().getConnector().getProtocolHandler()).getConnectionCount();
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }
}
