package io.cameliotmp.camel;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.PsonAssertions.assertPsonEquals;
import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Byte sessions ($terminal-style streams opened by a producer) and the chunked $fs/download of a large file. */
class ByteSessionsAndDownloadTest extends IotmpCamelTestSupport {

    private static final int CHUNK = 64 * 1024;
    private static final int WINDOW_CHUNKS = 4;
    /** How long a download may wait for the device's next chunk: a bound for broken devices, beyond every wait here. */
    private static final java.time.Duration DOWNLOAD_IDLE_TIMEOUT = java.time.Duration.ofMinutes(2);

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:open")
                        .to("iotmp:device:alice/esp32/$terminal/s1?operation=startStream&streamTo=mock:terminal");
                from("direct:type").to("iotmp:device:alice/esp32?operation=sendStreamData");
                from("direct:close").to("iotmp:device:alice/esp32?operation=stopStream");
                from("direct:download").to("iotmp:device:alice/esp32?operation=download&requestTimeout="
                                           + DOWNLOAD_IDLE_TIMEOUT.toMillis());
                from("direct:download-small").to("iotmp:device:alice/esp32?operation=download&maxDownloadSize=50"
                                                 + "&requestTimeout=" + DOWNLOAD_IDLE_TIMEOUT.toMillis());
            }
        };
    }

    private int openTerminal(RawIotmpSocket device) throws Exception {
        CompletableFuture<Object> opened = template.asyncRequestBodyAndHeader("direct:open", null,
                IotmpConstants.PARAMETERS, Map.of("cols", 80, "rows", 24));
        IotmpMessage start = device.readMessage(Generation.GEN2);
        assertThat(start.type()).isEqualTo(MessageType.START_STREAM);
        assertThat(start.resource()).isEqualTo("$terminal/s1");
        assertThat(io.cameliotmp.protocol.PsonValues.equal(start.parameters(), Map.of("cols", 80, "rows", 24)))
                .as("terminal size").isTrue();
        device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
        opened.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return start.streamId();
    }

    @Test
    void terminalSessionCarriesBytesBothWaysUntilTheDeviceEndsIt() throws Exception {
        MockEndpoint terminal = getMockEndpoint("mock:terminal");
        terminal.expectedMessageCount(2);
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            int id = openTerminal(device);
            device.send(IotmpMessage.streamData(id, "login: ".getBytes()), Generation.GEN2);

            template.sendBodyAndHeader("direct:type", "ls\r".getBytes(), IotmpConstants.STREAM_ID, id);
            IotmpMessage typed = device.readMessage(Generation.GEN2);
            assertThat(typed).isEqualTo(IotmpMessage.streamData(id, "ls\r".getBytes()));

            device.send(IotmpMessage.stopStream(id), Generation.GEN2); // the shell exited
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(id));
            terminal.assertIsSatisfied();
        }
        assertThat(terminal.getExchanges().get(0).getMessage().getBody(byte[].class)).isEqualTo("login: ".getBytes());
        assertThat(terminal.getExchanges().get(0).getMessage().getHeader(IotmpConstants.STREAM_ENDED)).isNull();
        assertThat(terminal.getExchanges().get(1).getMessage().getHeader(IotmpConstants.STREAM_ENDED, String.class))
                .contains("device");
    }

    @Test
    void routeEndsASessionWithStopStream() throws Exception {
        MockEndpoint terminal = getMockEndpoint("mock:terminal");
        terminal.expectedMessageCount(1);
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            int id = openTerminal(device);
            CompletableFuture<Object> closed = template.asyncRequestBodyAndHeader("direct:close", null,
                    IotmpConstants.STREAM_ID, id);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.stopStream(id));
            device.send(IotmpMessage.ok(id), Generation.GEN2);
            closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            terminal.assertIsSatisfied();
        }
        assertThat(terminal.getExchanges().get(0).getMessage().getHeader(IotmpConstants.STREAM_ENDED, String.class))
                .contains("server");
    }

    @Test
    void fiveMebibyteFileDownloadsChunkByChunkWithAcknowledgements() throws Exception {
        byte[] file = new byte[5 * 1024 * 1024 + 123];
        new Random(42).nextBytes(file);
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            CompletableFuture<byte[]> downloaded = template.asyncRequestBodyAndHeader("direct:download", null,
                    IotmpConstants.RESOURCE, "/data/firmware.bin", byte[].class);
            playDownloadingDevice(device, "/data/firmware.bin", file);
            assertThat(Arrays.equals(downloaded.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), file)).as("same bytes")
                    .isTrue();
        }
    }

    /** Plays IOTMP-Linux's side: $fs/info, then chunks within a window of four, released by the server's acks. */
    private static void playDownloadingDevice(RawIotmpSocket device, String path, byte[] file) throws Exception {
        IotmpMessage info = device.readMessage(Generation.GEN2);
        assertThat(info.resource()).isEqualTo("$fs/info" + path);
        device.send(IotmpMessage.ok(info.streamId(), Map.of("name", "firmware.bin", "size", file.length)),
                Generation.GEN2);

        IotmpMessage start = device.readMessage(Generation.GEN2);
        assertThat(start.type()).isEqualTo(MessageType.START_STREAM);
        assertThat((String) start.resource()).startsWith("$fs/download/");
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("path", path);
        expected.put("chunk_size", CHUNK);
        assertPsonEquals(start.parameters(), expected);
        int id = start.streamId();
        device.send(IotmpMessage.of(MessageType.OK, id, Map.of("chunk_size", CHUNK), Map.of("chunk_size", CHUNK),
                null), Generation.GEN2);

        int sent = 0;
        long inFlight = 0;
        long expectedAck = 1;
        while (sent < file.length || inFlight > 0) {
            if (sent < file.length && inFlight < (long) WINDOW_CHUNKS * CHUNK) {
                int length = Math.min(CHUNK, file.length - sent);
                device.send(IotmpMessage.streamData(id, Arrays.copyOfRange(file, sent, sent + length)),
                        Generation.GEN2);
                sent += length;
                inFlight += length;
            } else {
                IotmpMessage ack = device.readMessage(Generation.GEN2);
                assertThat(ack.type()).isEqualTo(MessageType.STREAM_DATA);
                Map<?, ?> payload = (Map<?, ?>) ack.payload();
                assertThat(payload.get("ack")).isEqualTo(expectedAck++);
                inFlight -= ((Number) payload.get("bytes")).longValue();
            }
        }
        // the device never ends a download itself: the server stops it once it has every byte
        assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.stopStream(id));
        device.send(IotmpMessage.ok(id), Generation.GEN2);
    }

    @Test
    void downloadFailsAsDisconnectedWhenTheDeviceGoesAwayMidway() throws Exception {
        CompletableFuture<byte[]> downloaded;
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            downloaded = template.asyncRequestBodyAndHeader("direct:download", null, IotmpConstants.RESOURCE,
                    "/data/log.txt", byte[].class);
            IotmpMessage info = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(info.streamId(), Map.of("size", 100)), Generation.GEN2);
            IotmpMessage start = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            device.send(IotmpMessage.streamData(start.streamId(), new byte[40]), Generation.GEN2);
            device.readMessage(Generation.GEN2); // the acknowledgement of the first 40 bytes
        }
        // the idle timeout is two minutes: failing within the wait is the disconnect, not the timeout
        assertThat(downloaded).failsWithin(WAIT).withThrowableThat().havingRootCause()
                .isInstanceOf(io.cameliotmp.server.DeviceDisconnectedException.class)
                .withMessageContaining("40 of 100 bytes");
    }

    @Test
    void downloadFailsWhenTheDeviceEndsTheStreamEarly() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            CompletableFuture<byte[]> downloaded = template.asyncRequestBodyAndHeader("direct:download", null,
                    IotmpConstants.RESOURCE, "/data/log.txt", byte[].class);
            IotmpMessage info = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(info.streamId(), Map.of("size", 100)), Generation.GEN2);
            IotmpMessage start = device.readMessage(Generation.GEN2);
            device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
            device.send(IotmpMessage.streamData(start.streamId(), new byte[40]), Generation.GEN2);
            device.send(IotmpMessage.stopStream(start.streamId()), Generation.GEN2);
            assertThat(downloaded).failsWithin(WAIT).withThrowableThat()
                    .havingRootCause().withMessageContaining("40 of 100 bytes");
        }
    }

    /**
     * The size of a download is the device's word, and the server holds the whole file: a file announced larger than
     * {@code maxDownloadSize} fails the download at once, before anything is held for it (the server used to reserve
     * the announced size at once, up to 2 GiB) and before the download's stream is asked for.
     */
    @Test
    void downloadOfAFileLargerThanAllowedFailsBeforeAnythingIsHeld() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            assertRefusedAtItsSize(device, "direct:download", 1_000_000_000L);
            assertRefusedAtItsSize(device, "direct:download-small", 100);
            device.sendHex("05 00");
            assertThat(device.readFrameHex()).as("no download stream was asked for").isEqualTo("05 00");
        }
    }

    private void assertRefusedAtItsSize(RawIotmpSocket device, String uri, long size) throws Exception {
        CompletableFuture<byte[]> downloaded = template.asyncRequestBodyAndHeader(uri, null, IotmpConstants.RESOURCE,
                "/data/huge.bin", byte[].class);
        IotmpMessage info = device.readMessage(Generation.GEN2);
        assertThat(info.resource()).isEqualTo("$fs/info/data/huge.bin");
        device.send(IotmpMessage.ok(info.streamId(), Map.of("size", size)), Generation.GEN2);
        assertThat(downloaded).failsWithin(WAIT).withThrowableThat().havingRootCause()
                .isInstanceOf(io.cameliotmp.server.QuotaExceededException.class)
                .withMessageContaining(size + " bytes, more than");
    }
}
