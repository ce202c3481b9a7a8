package io.cameliotmp.api;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that reset their connection as their request goes asynchronous may not make Tomcat log, once per request,
 * "Encountered a non-recycled request and recycled it forcedly" (INFO, with a stack trace): the connection fails on
 * the request's own thread, Tomcat closes it as that thread returns, and a request that Spring MVC meant to end with
 * an async dispatch was left unrecycled ({@link TomcatFailedAsyncCompleter} tells how). Two such clients, many times
 * over, each from an address of its own (127.0.0.x) so that the end of its connection can be waited for: a
 * device-events subscriber that leaves while its subscription opens (its opening comment meets the reset), and an
 * upload reset mid-body (its error answer meets it). Each is still noticed: its place is given back, and nothing is
 * held for it (the upload's error answer, and then its call, used to be held until {@code answer-write-timeout}, here
 * longer than the test).
 */
@TestPropertySource(properties = "camel.iotmp.api.answer-write-timeout=10m")
@ExtendWith(OutputCaptureExtension.class)
class ClientsLeavingAsTheirResponseStartsTest extends OwnApplicationTestSupport {

    /** Clients per test: without the fix, most of them caused the line. */
    private static final int CLIENTS = 40;
    private static final String FORCED_RECYCLE = "recycled it forcedly";

    @Autowired
    ConnectionsPerAddress connections;

    @Autowired
    DeviceEvents events;

    @Autowired
    FileUploads uploads;

    @Autowired
    AnswerWriter answers;

    @Autowired
    CallsInProgress calls;

    @Autowired
    FirmwareUploads firmware;

    @Autowired
    DeviceStreamController streams;

    @Test
    void subscribersThatLeaveWhileTheirSubscriptionOpensLeaveNoForcedRecycle(CapturedOutput output) throws Exception {
        for (int i = 0; i < CLIENTS; i++) {
            leaveRightAfter(20 + i, "GET /v3/users/demo/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                    + ALL + "\r\nAccept: text/event-stream\r\n\r\n");
        }
        await("every subscription ended").atMost(WAIT).until(() -> {
            events.beatAll();
            return events.subscribed() == 0;
        });
        assertThat(output.getAll()).doesNotContain(FORCED_RECYCLE, " ERROR ", " WARN ");
    }

    @Test
    void resourceStreamClientsThatLeaveAtOnceLeaveNoForcedRecycle(CapturedOutput output) throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("counter").output(System::nanoTime));
        for (int i = 0; i < CLIENTS; i++) {
            leaveRightAfter(180 + i, "GET /v3/users/demo/devices/dev-1/resources/counter/stream HTTP/1.1\r\n"
                                     + "Host: 127.0.0.1\r\nAuthorization: Bearer " + ALL
                                     + "\r\nAccept: text/event-stream\r\n\r\n");
        }
        await("every stream ended").atMost(WAIT).until(() -> streams.openStreams() == 0);
        assertThat(output.getAll()).doesNotContain(FORCED_RECYCLE, " ERROR ", " WARN ");
    }

    @Test
    void uploadsResetMidBodyLeaveNoForcedRecycle(CapturedOutput output) throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/upload/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null));
        for (int i = 0; i < CLIENTS; i++) {
            leaveRightAfter(100 + i, "POST /v3/users/demo/devices/dev-1/files/upload?path=/tmp/x.bin HTTP/1.1\r\n"
                                     + "Host: 127.0.0.1\r\nAuthorization: Bearer " + ALL + "\r\nContent-Type: "
                                     + "application/octet-stream\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100));
        }
        await("every upload ended, no answer held for them").atMost(WAIT)
                .until(() -> uploads.running() == 0 && answers.sending() == 0);
        // nor the calls themselves: a failed answer's fallback, meant for a container that does not end the request,
        // held each call (its request, exchange and failure) for answer-write-timeout after Tomcat had ended it
        await("no call held for them").atMost(WAIT).until(() -> calls.held() == 0 && answers.timers() == 0);
        assertThat(output.getAll()).doesNotContain(FORCED_RECYCLE, " ERROR ", " WARN ");
    }

    @Test
    void firmwareImagesRefusedAndResetMidBodyLeaveNothingHeld(CapturedOutput output) throws Exception {
        String upload = "POST /v3/users/demo/devices/dev-ota/firmware HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer test-token-ota\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: 100000\r\n\r\n";
        try (Socket holder = new Socket()) {
            // one image arriving slowly holds the device's update: every other one is answered 503 at once, while its
            // client still sends, and that client then resets its connection: the answer's write fails
            holder.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.99"), 0));
            holder.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
            holder.getOutputStream().write((upload + "x".repeat(1024)).getBytes(StandardCharsets.ISO_8859_1));
            holder.getOutputStream().flush();
            await("the held update").atMost(WAIT).until(() -> firmware.running() == 1);
            for (int i = 0; i < CLIENTS; i++) {
                leaveRightAfter(140 + i, upload + "x".repeat(64 * 1024));
            }
            await("no answer, call or timer held for them").atMost(WAIT)
                    .until(() -> answers.sending() == 0 && calls.held() <= 1 && answers.timers() == 0);
        }
        await("the held update ended").atMost(WAIT).until(() -> firmware.running() == 0 && calls.held() == 0);
        assertThat(output.getAll()).doesNotContain(FORCED_RECYCLE, " ERROR ", " WARN ");
    }

    /** Sends {@code request} from 127.0.0.{@code address}, resets the connection, and waits for its end. */
    private void leaveRightAfter(int address, String request) throws IOException {
        InetAddress local = InetAddress.getByName("127.0.0." + address);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", httpPort), (int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.setSoLinger(true, 0);
        }
        await("the connection of " + local + " ended").atMost(WAIT).until(() -> connections.open(local) == 0);
    }
}
