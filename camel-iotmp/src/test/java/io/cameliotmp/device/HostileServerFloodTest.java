package io.cameliotmp.device;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.StderrCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway connects out to servers it may not control: a server repeating what the device refuses, ignores or
 * cannot use (unknown resources and streams, answers nobody asked for, a CONNECT after the CONNECT, streams beyond
 * the limit, inputs the handler refuses) must not make the device log a line per frame above DEBUG, and what it
 * refused is counted.
 */
class HostileServerFloodTest extends DeviceTestBase {

    private static final int ROUNDS = 50;

    @Test
    void aFloodOfRefusedAndIgnoredFramesLogsAtMostOnceAConnectionAboveDebug() throws Exception {
        startServer();
        IotmpDevice device = track(deviceBuilder().maxServerStreams(1).build());
        device.resource("motion").output(() -> 0L);
        device.resource("led").input(in -> { }, () -> false);
        device.resource("fail").inputOutput(in -> {
            throw new IllegalStateException("refused");
        });
        TestIotmpServer.Connection c = connect(device);
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong loud = stderr.count(line -> line.contains(" WARN ") || line.contains(" INFO ")
                                                   || line.contains(" ERROR "));
            c.send(IotmpMessage.startStream(999, "motion", Map.of("interval", 60_000L)));
            for (int i = 1; i <= ROUNDS; i++) {
                int id = 1000 + i * 16;
                c.send(IotmpMessage.stopStream(id));
                c.send(IotmpMessage.startStream(id + 1, "nope", null));
                c.send(IotmpMessage.startStream(id + 2, "led", null)); // beyond the limit of 1
                c.send(IotmpMessage.describe(id + 3, "nope"));
                c.send(IotmpMessage.run(id + 4, "nope", null, null));
                c.send(IotmpMessage.ok(id + 5));
                c.send(IotmpMessage.error(id + 6, null, null));
                c.send(IotmpMessage.KEEP_ALIVE);
                c.send(IotmpMessage.streamData(id + 7, "x"));
                c.send(IotmpMessage.connect(id + 8, "a", "b", "c"));
                c.send(IotmpMessage.run(id + 9, "fail", null, Map.of("a", 1L)));
                c.send(IotmpMessage.run(0, "fail", null, Map.of("a", 1L)));
                c.send(IotmpMessage.describe(0, null));
            }
            // handled in order: once this is answered, so is the flood
            c.send(IotmpMessage.run(1, "motion", null, null));
            IotmpMessage answer;
            do {
                answer = c.next();
            } while (!(answer.type() == MessageType.OK && answer.streamId() == 1));

            assertThat(device.transportStats().serverStreamsRefused()).isEqualTo(ROUNDS);
            assertThat(loud).as("the first handler failure of the connection at WARN, nothing else")
                    .hasValueLessThanOrEqualTo(1);
        }
    }
}
