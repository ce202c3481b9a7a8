package io.cameliotmp.camel.device;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.testing.StderrCapture;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the iotmp-device health check says of a connection that fails is the failure's text, and a peer writes part of
 * it: a TLS connection to something that answers with no TLS record fails with Netty's NotSslRecordException, whose
 * message is a hex dump of every byte received. Readiness probes, actuator JSON and the log show that text, so it is
 * bounded (and escaped) there, as in the log lines
 * of the failure, which a connection retried repeats.
 */
class IotmpDeviceHealthCheckPeerTextTest extends IotmpDeviceTestSupport {

    private final List<Socket> accepted = new ArrayList<>();
    private ServerSocket junk;

    @AfterEach
    void closeJunk() throws IOException {
        if (junk != null) {
            junk.close();
        }
        synchronized (accepted) {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    /** A listener that writes 32 KiB of bytes that are no TLS record to every connection, then keeps it open. */
    private int startJunkServer() throws IOException {
        junk = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        byte[] bytes = new byte[32 * 1024];
        Arrays.fill(bytes, (byte) 'J');
        Thread acceptor = new Thread(() -> {
            while (!junk.isClosed()) {
                try {
                    Socket socket = junk.accept();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(bytes);
                    out.flush();
                } catch (IOException e) {
                    // closed by the test, or the device went away first
                }
            }
        }, "junk-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return junk.getLocalPort();
    }

    private HealthCheck.Result readiness() {
        HealthCheckRegistry.get(context).setExposureLevel("full");
        Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(context);
        return results.stream().filter(r -> r.getCheck().getId().equals("iotmp-device")).findFirst().orElseThrow();
    }

    @Test
    void aPeersBytesInAFailureAreBoundedInTheHealthCheckAndTheLog() throws Exception {
        int junkPort = startJunkServer();
        String key = "demo/victim@127.0.0.1:" + junkPort;
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong lines = stderr.count(line -> line.contains("victim") && line.contains("NotSslRecordException"));
            AtomicLong longLines = stderr.count(line -> line.contains("victim") && line.length() > 600);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp-device:events?device=victim&tls=true&port=" + junkPort).to("mock:victim");
                }
            });
            eventually().untilAsserted(() -> assertThat(readiness().getDetails().get(key)).asString()
                    .startsWith("disconnected: "));
            // the connection's close and the component's "cannot connect"
            eventually().until(() -> lines.get() >= 2);
            assertThat(longLines.get()).as("log lines quoting all the peer sent").isZero();
        }
        HealthCheck.Result down = readiness();
        String detail = String.valueOf(down.getDetails().get(key));
        assertThat(detail).as("the peer's bytes in %s", detail).hasSizeLessThan(400);
        assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m).contains(key).hasSizeLessThan(1000));
    }

    /** A device that does not retry says so once, with the failure bounded alike. */
    @Test
    void aDeviceThatDoesNotRetryLogsTheFailureBounded() throws Exception {
        int junkPort = startJunkServer();
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong lines = stderr.count(line -> line.contains("does not retry"));
            AtomicLong longLines = stderr.count(line -> line.contains("does not retry") && line.length() > 600);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp-device:events?device=once&tls=true&reconnectBackoffMax=0&port=" + junkPort)
                            .to("mock:once");
                }
            });
            eventually().until(() -> lines.get() >= 1);
            assertThat(longLines.get()).as("log lines quoting all the peer sent").isZero();
        }
    }

    /** A failure without a message still says what it was. */
    @Test
    void aFailureWithoutAMessageIsNamed() {
        assertThat(IotmpDeviceHealthCheck.describe(new java.util.concurrent.TimeoutException()))
                .isEqualTo("java.util.concurrent.TimeoutException");
        assertThat(IotmpDeviceHealthCheck.describe(new IllegalStateException("line\nforged")))
                .isEqualTo("line\\nforged");
    }
}
