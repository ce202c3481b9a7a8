package io.cameliotmp.device;

import java.time.Duration;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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

        // far more than the socket buffers of both sides and the limit together: 2000 answers of 60 KB are 120 MB
        for (int i = 1; i <= 2000 && !first.isClosed(); i++) {
            try {
                first.send(IotmpMessage.run(i, "large", null, null));
            } catch (Exception e) { // thrown sneakily by Netty, an IOException too
                break; // the device closed (or reset) the connection between the check and the write
            }
        }
        first.awaitClosed();

        DeviceTransportStats stats = device.transportStats();
        Waits.eventually().until(() -> stats.serverStoppedReadingCloses() == 1);
        assertThat(stats.lastFailure()).hasMessageContaining("server stopped reading")
                .hasMessageContaining("> limit " + limit);
        TestIotmpServer.Connection second = server.awaitConnection();
        second.next(MessageType.CONNECT);
        assertThat(device.awaitConnected(WAIT)).as("reconnected").isTrue();
    }
}
