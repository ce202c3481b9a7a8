package io.cameliotmp.api;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One firmware upload per device at a time, from the moment its image starts to arrive: an image may take long to
 * arrive, and a second upload for the same device that passed the check meanwhile would start a second update, which
 * the server then refuses while the API reports the device failed although its first update runs. An application of
 * its own, with room for two updates of one user (so only the per-device rule can refuse the second: the user may hold
 * the whole cap), and a grace for slow bodies and for clients reading their answers far longer than the test.
 */
@TestPropertySource(properties = {"camel.iotmp.api.max-firmware-updates=2", "camel.iotmp.api.body-read-timeout=10m",
    "camel.iotmp.api.max-share-per-user=1", "camel.iotmp.api.answer-write-timeout=10m"})
@ExtendWith(OutputCaptureExtension.class)
class FirmwareUploadClaimTest extends OwnApplicationTestSupport {

    private static final String FIRMWARE = "/v3/users/demo/devices/dev-ota/firmware";

    @Autowired
    FirmwareUploads firmware;

    @Autowired
    ConnectionsPerAddress connections;

    @Test
    void aSecondUploadForADeviceWhoseImageIsStillArrivingIsRefused() throws Exception {
        try (Socket first = new Socket("127.0.0.1", httpPort)) {
            OutputStream out = first.getOutputStream();
            out.write(("POST " + FIRMWARE + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort
                       + "\r\nAuthorization: Bearer test-token-ota\r\nContent-Type: application/octet-stream"
                       + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[100]); // the start of the image; the rest never comes while the test runs
            out.flush();
            await("the first upload reading its image").atMost(WAIT).until(() -> firmware.updating("demo/dev-ota"));

            Answer second = send(request(FIRMWARE, "test-token-ota")
                    .header("Content-Type", DeviceApiRoutes.OCTET_STREAM)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1000])));

            assertThat(second.status()).as(second.text()).isEqualTo(503);
            assertThat(second.text()).contains("running already");
            assertThat(firmware.running()).as("the second took no place").isEqualTo(1);
        }
        // the first client left mid-image: its upload fails and gives its place and its claim back
        await("the first upload's claim released").atMost(WAIT)
                .until(() -> !firmware.updating("demo/dev-ota") && firmware.running() == 0);
    }

    /**
     * A client that leaves mid-image is simply gone: its upload fails, its place is given back, and nothing is logged
     * above DEBUG. Tomcat used to forward such a request to its error page, whose blocking writes then ran into the
     * call's own non-blocking answer: three ERROR lines with stack traces per abandoned upload, and a request whose
     * asynchronous state Tomcat had to recycle by force. The client comes from an address of its own, so that its
     * connection's end can be waited for.
     */
    @Test
    void aClientThatLeavesMidImageLeavesNoErrorInTheLog(CapturedOutput output) throws Exception {
        InetAddress leaver = InetAddress.getByName("127.0.0.3");
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(leaver, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + FIRMWARE + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort
                       + "\r\nAuthorization: Bearer test-token-ota\r\nContent-Type: application/octet-stream"
                       + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[100]);
            out.flush();
            await("the upload reading its image").atMost(WAIT).until(() -> firmware.updating("demo/dev-ota"));
        }
        await("the upload's place released and its connection ended").atMost(WAIT.multipliedBy(2))
                .until(() -> firmware.running() == 0 && connections.open(leaver) == 0);
        assertThat(output.getAll()).doesNotContain(" ERROR ", "recycled it forcedly", "non-blocking mode");
    }
}
