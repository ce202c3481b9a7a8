package io.cameliotmp.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.test.SyntheticFile;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Byte sessions ({@code startStream} with {@code streamTo}) and {@code download} of a route on one member, on a
 * device connected to another: every chunk arrives, in order, the end last; a multi-MB file arrives byte for byte;
 * and when the device's member stops, the session ends and the download fails with the disconnect at once.
 */
class ClusterByteSessionsAndDownloadTest {

    private static final int CHUNKS = 200;
    private static final int CHUNK_SIZE = 64 * 1024;
    /** 6 MiB and a bit: about a hundred chunks relayed and acknowledged across the members. */
    private static final long FILE_SIZE = 6L * 1024 * 1024 + 321;
    private static final SyntheticFile FILE = new SyntheticFile(FILE_SIZE);

    private final ClusterNodes nodes = new ClusterNodes();
    /** Exchanges the stream sent to {@code direct:shell} on member A, in the order they arrived. */
    private final List<Exchange> shell = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        nodes.close();
    }

    private List<CamelContext> twoApplications() throws Exception {
        return nodes.applications(2, i -> new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:open").to("iotmp:device:alice/far/$terminal/s1?operation=startStream"
                                       + "&streamTo=direct:shell");
                from("direct:shell").process(exchange -> shell.add(exchange.copy()));
                from("direct:type").to("iotmp:device:alice/far?operation=sendStreamData");
                // a long idle timeout: the download fails by what the test does, never by a slow machine
                from("direct:download").to("iotmp:device:alice/far?operation=download&requestTimeout=300000");
            }
        });
    }

    @Test
    void aByteSessionOnADeviceOfAnotherMemberCarriesEveryChunkInOrderAndEndsLast() throws Exception {
        List<CamelContext> members = twoApplications();
        BlockingQueue<byte[]> typed = new LinkedBlockingQueue<>();
        AtomicInteger sessionStream = new AtomicInteger();
        IotmpDevice device = nodes.device(members.get(1), "far", d -> d.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (request.describeMode()) {
                        sessionStream.set(request.streamId());
                    } else if (request.input() instanceof byte[] bytes) {
                        typed.add(bytes);
                    }
                    return null;
                }));
        ProducerTemplate routes = members.get(0).createProducerTemplate();

        Exchange opened = routes.request("direct:open", e -> e.getMessage().setHeader(IotmpConstants.PARAMETERS,
                Map.of("cols", 80, "rows", 24)));
        assertThat(opened.getException()).isNull();
        int streamId = opened.getMessage().getHeader(IotmpConstants.STREAM_ID, Integer.class);
        eventually().until(() -> sessionStream.get() != 0);

        // the holder's session number comes back, and pins the stream's input to that connection across members
        long session = opened.getMessage().getHeader(IotmpConstants.SESSION_NUMBER, Long.class);
        assertThatThrownBy(() -> routes.sendBodyAndHeaders("direct:type", "rm\r".getBytes(StandardCharsets.UTF_8),
                Map.of(IotmpConstants.STREAM_ID, streamId, IotmpConstants.SESSION_NUMBER, session + 1)))
                .isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(io.cameliotmp.server.DeviceNotConnectedException.class);
        routes.sendBodyAndHeaders("direct:type", "ls\r".getBytes(StandardCharsets.UTF_8),
                Map.of(IotmpConstants.STREAM_ID, streamId, IotmpConstants.SESSION_NUMBER, session));
        assertThat(typed.poll(60, TimeUnit.SECONDS)).asString(StandardCharsets.UTF_8).isEqualTo("ls\r");

        for (int i = 0; i < CHUNKS; i++) {
            assertThat(device.stream("$terminal/s1", ("chunk-" + i + "\n").getBytes(StandardCharsets.UTF_8)))
                    .isTrue();
        }
        // the shell exits: the device ends the session itself
        device.send(IotmpMessage.stopStream(sessionStream.get())).toCompletableFuture().get(60, TimeUnit.SECONDS);

        eventually().until(() -> !shell.isEmpty() && ended(shell.get(shell.size() - 1)));
        List<String> chunks = new ArrayList<>();
        for (Exchange exchange : shell.subList(0, shell.size() - 1)) {
            assertThat(ended(exchange)).as("only the last exchange ends the session").isFalse();
            byte[] body = exchange.getMessage().getBody(byte[].class);
            // the device's echo of the opening carries no bytes
            if (body != null && body.length > 0) {
                chunks.add(new String(body, StandardCharsets.UTF_8));
            }
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
            sent.add("chunk-" + i + "\n");
        }
        assertThat(chunks).containsExactlyElementsOf(sent);
        assertThat(shell.get(shell.size() - 1).getMessage().getHeader(IotmpConstants.STREAM_ENDED, String.class))
                .contains("device");
    }

    @Test
    void aMultiMegabyteFileOfADeviceOnAnotherMemberDownloadsByteForByte() throws Exception {
        List<CamelContext> members = twoApplications();
        nodes.device(members.get(1), "far", d -> servesFile(d, new AtomicLong(), Long.MAX_VALUE));

        byte[] downloaded = members.get(0).createProducerTemplate().requestBodyAndHeader("direct:download", null,
                IotmpConstants.RESOURCE, "/var/big.bin", byte[].class);

        assertThat((long) downloaded.length).isEqualTo(FILE_SIZE);
        assertThat(MessageDigest.getInstance("SHA-256").digest(downloaded)).isEqualTo(expectedDigest());
    }

    @Test
    void whenTheDevicesMemberStopsTheSessionEndsAndTheDownloadFailsAsDisconnectedAtOnce() throws Exception {
        whenTheDevicesMemberGoesTheSessionEndsAndTheDownloadFailsAsDisconnectedAtOnce(CamelContext::stop);
    }

    /** The member leaves the cluster while its device stays connected to it: only the view change tells. */
    @Test
    void whenTheDevicesMemberLeavesTheSessionEndsAndTheDownloadFailsAsDisconnectedAtOnce() throws Exception {
        whenTheDevicesMemberGoesTheSessionEndsAndTheDownloadFailsAsDisconnectedAtOnce(
                member -> ClusterNodes.cluster(member).leave());
    }

    private void whenTheDevicesMemberGoesTheSessionEndsAndTheDownloadFailsAsDisconnectedAtOnce(
            java.util.function.Consumer<CamelContext> away) throws Exception {
        List<CamelContext> members = twoApplications();
        AtomicLong sent = new AtomicLong();
        // the device stops sending halfway, as if stuck: only the member's stop can end the download
        nodes.device(members.get(1), "far", d -> {
            servesFile(d, sent, FILE_SIZE / 2);
            d.resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null);
        });
        ProducerTemplate routes = members.get(0).createProducerTemplate();
        routes.request("direct:open", e -> { });
        CompletableFuture<byte[]> download = routes.asyncRequestBodyAndHeader("direct:download", null,
                IotmpConstants.RESOURCE, "/var/big.bin", byte[].class);
        eventually().until(() -> sent.get() >= FILE_SIZE / 2);

        away.accept(members.get(1));

        // the request timeout is five minutes: an outcome within the wait below is not the timeout
        assertThat(download).failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .havingRootCause().isInstanceOf(DeviceDisconnectedException.class);
        eventually().until(() -> !shell.isEmpty() && ended(shell.get(shell.size() - 1)));
        assertThat(shell.stream().filter(ClusterByteSessionsAndDownloadTest::ended)).hasSize(1);
        assertThatThrownBy(() -> routes.sendBodyAndHeader("direct:type", "ls\r".getBytes(StandardCharsets.UTF_8),
                IotmpConstants.STREAM_ID, 1)).isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(io.cameliotmp.server.DeviceNotConnectedException.class);
    }

    private static boolean ended(Exchange exchange) {
        return exchange.getMessage().getHeader(IotmpConstants.STREAM_ENDED) != null;
    }

    /**
     * Plays IOTMP-Linux's file system on the device: {@code $fs/info} gives the size, the download's start sends the
     * first chunk and every acknowledgement the next, until {@code stopAt} bytes were sent.
     */
    private static void servesFile(IotmpDevice device, AtomicLong sent, long stopAt) {
        device.resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("name", "big.bin",
                        "type", "file", "size", FILE_SIZE))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
                    int chunkSize = ((Number) ((Map<?, ?>) request.parameters()).get("chunk_size")).intValue();
                    assertThat(chunkSize).isEqualTo(CHUNK_SIZE);
                    byte[] next = sent.get() < stopAt ? FILE.nextChunk(sent, chunkSize) : null;
                    if (request.describeMode()) {
                        return next;
                    }
                    if (next != null) {
                        request.device().stream(request.path(), next);
                    }
                    return null;
                });
    }

    private static byte[] expectedDigest() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        FILE.feed((buffer, length) -> digest.update(buffer, 0, length));
        return digest.digest();
    }
}
