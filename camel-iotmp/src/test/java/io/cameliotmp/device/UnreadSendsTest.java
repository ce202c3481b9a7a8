package io.cameliotmp.device;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.cameliotmp.protocol.IotmpMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Sends the server does not answer complete when written. A server that stops reading holds them unwritten for as
 * long as it keeps the connection: their stages still end, with {@link IotmpRequestTimeoutException}, after the
 * request timeout.
 */
class UnreadSendsTest extends DeviceTestBase {

    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(300);

    @Test
    void aRawSendTheServerDoesNotReadTimesOut() throws Exception {
        assertASendTimesOutOnceTheServerStopsReading(null);
    }

    @Test
    void anUnconfirmedServiceCallTheServerDoesNotReadTimesOut() throws Exception {
        assertASendTimesOutOnceTheServerStopsReading(ServiceLayout.EMBEDDED);
    }

    @Test
    void anUnconfirmedServiceCallInTheLinuxLayoutTheServerDoesNotReadTimesOut() throws Exception {
        assertASendTimesOutOnceTheServerStopsReading(ServiceLayout.LINUX);
    }

    /**
     * Stops the server reading, then sends 100 kB frames until the socket buffers are full and one is not written:
     * that one must fail with the timeout (without the deadline it never completed). With {@code layout} the sends
     * are unconfirmed bucket writes in that layout, else raw RUN frames.
     */
    private void assertASendTimesOutOnceTheServerStopsReading(ServiceLayout layout) throws Exception {
        startServer();
        IotmpDeviceBuilder builder = deviceBuilder().requestTimeout(REQUEST_TIMEOUT);
        if (layout != null) {
            builder.serviceLayout(layout);
        }
        IotmpDevice device = track(builder.build());
        TestIotmpServer.Connection connection = connect(device);
        connection.channel.config().setAutoRead(false);

        byte[] chunk = new byte[100_000];
        Supplier<CompletionStage<?>> send = layout == null
                ? () -> device.send(IotmpMessage.run(0, "sink", null, chunk))
                : () -> device.writeBucket("sink", chunk, false);
        // loopback buffers hold a few MB at most: 2,000 sends (200 MB) cannot all be written
        for (int i = 0; i < 2_000; i++) {
            try {
                send.get().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(IotmpRequestTimeoutException.class)
                        .hasMessageContaining("not written within 300 ms");
                assertThat(connection.isOpen()).as("the server kept the connection").isTrue();
                return;
            }
        }
        fail("every send was written to a server that does not read");
    }
}
