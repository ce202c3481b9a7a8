package io.cameliotmp.camel;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.session.Answers;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.StderrCapture;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device that refuses a consumer's stream and reconnects as fast as it can used to write a WARN line per
 * connection; the line is now written within the rate limit the server's refusal lines share (10 a second, a burst
 * of 20), whatever the device sends. A device that answered the START_STREAM with an OK the server cannot read (or
 * never answered it) still wrote a WARN line with a whole stack trace per connection, through Camel's logging
 * exception handler: it now shares that rate limit too.
 */
class StreamRefusalLogTest extends IotmpCamelTestSupport {

    private static final int CONNECTIONS = 300;

    @Override
    protected String deviceCredentials() {
        return "alice/*=pw";
    }

    /** The device reconnects faster than an address may: only the log's rate limit is under test. */
    @Override
    protected void configure(IotmpConfiguration config) {
        config.setMaxConnectionsPerSecondPerAddress(0);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:device:alice/*/level").to("mock:levels");
            }
        };
    }

    @Test
    void aDeviceRefusingTheStreamAtEveryConnectionIsLoggedWithinTheRateLimit() throws Exception {
        try (StderrCapture log = StderrCapture.start()) {
            AtomicLong refusalLines = log.count(line -> line.contains("did not open a stream on level"));
            long started = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
                    IotmpMessage start = device.readUntil(MessageType.START_STREAM, Generation.GEN2);
                    device.send(Answers.error(start.streamId(), 404, "no level\nforged line"), Generation.GEN2);
                    device.sendHex("05 00");
                    device.readUntil(MessageType.KEEP_ALIVE, Generation.GEN2); // the ERROR was handled before
                }
            }
            eventually().until(() -> refusalLines.get() > 0);
            double seconds = (System.nanoTime() - started) / 1e9;
            long allowed = 20 + (long) Math.ceil(seconds * 10) + 10;
            assertThat(refusalLines.get()).as("lines in %.1f s for %d refusals", seconds, CONNECTIONS)
                    .isLessThanOrEqualTo(allowed);
        }
    }

    @Test
    void aDeviceAnsweringTheStreamUnreadablyAtEveryConnectionIsLoggedWithinTheRateLimit() throws Exception {
        try (StderrCapture log = StderrCapture.start()) {
            AtomicLong refusalLines = log.count(line -> line.contains("did not open a stream on level"));
            AtomicLong stackLines = log.count(line -> line.startsWith("\tat "));
            long started = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
                    IotmpMessage start = device.readUntil(MessageType.START_STREAM, Generation.GEN2);
                    device.send(IotmpMessage.ok(start.streamId(), tooDeep()), Generation.GEN2);
                    // the server stops what the unreadable OK may have opened: the answer was handled before
                    device.readUntil(MessageType.STOP_STREAM, Generation.GEN2);
                }
            }
            eventually().until(() -> refusalLines.get() > 0);
            double seconds = (System.nanoTime() - started) / 1e9;
            long allowed = 20 + (long) Math.ceil(seconds * 10) + 10;
            assertThat(refusalLines.get()).as("lines in %.1f s for %d unreadable answers", seconds, CONNECTIONS)
                    .isLessThanOrEqualTo(allowed);
            assertThat(stackLines.get()).as("stack trace lines").isZero();
        }
    }

    /** A value nested one level deeper than the server decodes: an answer the server cannot read. */
    private static Object tooDeep() {
        Object value = "bottom";
        for (int i = 0; i <= IotmpServerConfig.DEFAULT_MAX_PSON_DEPTH; i++) {
            value = List.of(value);
        }
        return value;
    }
}
