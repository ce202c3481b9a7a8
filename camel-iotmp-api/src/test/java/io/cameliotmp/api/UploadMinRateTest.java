package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.cameliotmp.device.ResourceKind;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that trickles an upload's body, a byte at a time with a pause between, is failed once the reads of its body
 * have waited longer than the grace ({@code body-read-timeout}, 1 s here), rather than holding the upload's slot for
 * as long as it keeps sending: 408, the connection closed, the slot free, the failure counted. Without the minimum
 * rate the server reads on, and no answer comes while the client sends. An application of its own, with a minimum
 * rate (1 MB/s) that a pause between single bytes is far below, and one slot of each kind.
 */
@TestPropertySource(properties = {"camel.iotmp.api.upload-min-rate=1MB", "camel.iotmp.api.body-read-timeout=1s",
    "camel.iotmp.api.max-uploads=1", "camel.iotmp.api.max-firmware-updates=1"})
class UploadMinRateTest extends OwnApplicationTestSupport {

    /** How long the trickling client waits for an answer before it sends the next byte: its pace, not a deadline. */
    private static final int PACE_MILLIS = 250;
    private static final int DECLARED_LENGTH = 100_000;

    @Autowired
    FileUploads uploads;

    @Autowired
    FirmwareUploads firmware;

    @Autowired
    UploadRate rate;

    @Autowired
    @Qualifier("iotmpApiUploadMetrics")
    MeterBinder uploadMetrics;

    /**
     * POSTs {@value #DECLARED_LENGTH} bytes of body to {@code path}, one byte each time {@value #PACE_MILLIS} ms pass
     * without an answer, until the answer comes; returns it whole (the server closes the connection after it). Fails
     * when no answer comes within {@link #WAIT}, or when the whole body was sent before it came.
     */
    private String trickle(String path, String token) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", httpPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort + "\r\nAuthorization: Bearer "
                       + token + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + DECLARED_LENGTH
                       + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(PACE_MILLIS);
            long giveUp = System.nanoTime() + WAIT.toNanos();
            int first = -1;
            boolean sending = true;
            for (int sent = 0; first < 0; sent++) {
                try {
                    first = in.read();
                    assertThat(first).as("an answer, not the end of the connection").isNotNegative();
                } catch (SocketTimeoutException noAnswerYet) {
                    assertThat(System.nanoTime() - giveUp).as("no answer within " + WAIT + " while trickling")
                            .isNegative();
                    assertThat(sent).as("the body sent whole").isLessThan(DECLARED_LENGTH);
                    try {
                        if (sending) {
                            out.write('x');
                            out.flush();
                        }
                    } catch (IOException closed) {
                        // the server answered and closed while the client paused: the answer is on its way
                        sending = false;
                    }
                }
            }
            socket.setSoTimeout((int) WAIT.toMillis());
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            answer.write(first);
            // to the end: the server closes the connection rather than read the rest of the body
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aTricklingFirmwareImageIsFailedAndItsSlotReleased() throws Exception {
        long before = rate.tooSlow();

        String answer = trickle("/v3/users/demo/devices/dev-ota/firmware", "test-token-ota");

        assertThat(answer).startsWith("HTTP/1.1 408").contains("upload-min-rate");
        assertThat(rate.tooSlow()).isEqualTo(before + 1);
        await("the slot released").atMost(WAIT).until(() -> firmware.running() == 0);
    }

    @Test
    void aTricklingFileUploadIsFailedAndItsSlotReleased() throws Exception {
        // acknowledges every chunk it gets, as the reference client does
        connect("demo", "dev-1", "secret-1", device -> device.resource("$fs/upload/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[] chunk) {
                        request.device().stream(request.path(), Map.of("ack", 1, "bytes", chunk.length));
                    }
                    return null;
                }));
        long before = rate.tooSlow();

        String answer = trickle("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/slow", ALL);

        assertThat(answer).startsWith("HTTP/1.1 408").contains("upload-min-rate");
        assertThat(rate.tooSlow()).isEqualTo(before + 1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        uploadMetrics.bindTo(meters);
        assertThat(meters.get("iotmp.api.uploads.slow.failed").functionCounter().count()).isEqualTo(before + 1.0);
        await("the slot released").atMost(WAIT).until(() -> uploads.running() == 0);
        // the one slot is free again, and a body that comes at once is not slow
        Answer next = send(request("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/fast", ALL)
                .header("Content-Type", DeviceApiRoutes.OCTET_STREAM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[DECLARED_LENGTH])));
        assertThat(next.status()).as(next.text()).isEqualTo(201);
        assertThat(rate.tooSlow()).isEqualTo(before + 1);
    }
}
