package io.cameliotmp.device;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.testing.StderrCapture;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that was up and fails is logged at INFO with its cause, and the server writes part of some causes (an
 * ERROR's text, Netty's NotSslRecordException dumping every byte received): the line shows at most 256 characters of
 * it, control characters escaped, as the device's other failure lines do; a cause without a message by its class.
 */
class DeviceDisconnectLogTest extends DeviceTestBase {

    /** Fails the device's connection as its pipeline does for a cause a hostile server wrote. */
    private static void failConnection(IotmpDevice device, Throwable cause) {
        device.eventLoop().execute(() -> device.currentSession().channel.pipeline().fireExceptionCaught(cause));
    }

    @Test
    void theDisconnectedLineBoundsAndEscapesTheCause() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().build());
        connect(device);
        CompletableFuture<Void> disconnected = new CompletableFuture<>();
        device.onDisconnected(() -> disconnected.complete(null));
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong lines = stderr.count(line -> line.contains(": disconnected: "));
            AtomicLong longLines = stderr.count(line -> line.contains(": disconnected: ") && line.length() > 600);
            AtomicLong forged = stderr.count(line -> line.startsWith("FORGED"));
            failConnection(device, new IllegalStateException("J".repeat(8192) + "\nFORGED INFO line"));
            disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            eventually().until(() -> lines.get() >= 1);
            assertThat(longLines).as("disconnected lines quoting all the server wrote").hasValue(0);
            assertThat(forged).as("a line the server's text started").hasValue(0);
        }
    }

    @Test
    void aCauseWithoutAMessageIsNamedByItsClass() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().build());
        connect(device);
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong named = stderr.count(line -> line.contains(": disconnected: java.lang.IllegalStateException"));
            failConnection(device, new IllegalStateException());
            eventually().until(() -> named.get() >= 1);
        }
    }
}
